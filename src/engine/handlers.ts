/** Which names a handler answers to, and the check that a notification reaches one (Ansible stops the run if not). */
import { InfraError, ExitCode } from "../util/errors.js";
import type { Node, Task } from "../playbook/types.js";

export function flattenTasks(nodes: Node[]): Task[] {
  return nodes.flatMap((n) =>
    n.kind === "task"
      ? [n]
      : [...flattenTasks(n.block), ...flattenTasks(n.rescue), ...flattenTasks(n.always)],
  );
}

/** A handler's own name, its role-qualified name (`role : name`) and its `listen` topics. */
export function handlerNames(h: Task): string[] {
  const names = [...h.listen];
  if (h.name) {
    names.push(h.name);
    if (h.role) names.push(`${h.role.role.name} : ${h.name}`);
  }
  return names;
}

/**
 * A notification nobody listens to is a typo that would silently skip a restart; Ansible ends the run with this
 * error, and so do we.
 */
export function assertHandlerExists(name: string, handlers: Node[], task: Task): void {
  if (flattenTasks(handlers).some((h) => handlerNames(h).includes(name))) return;
  throw new InfraError(
    `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`,
    {
      location: task.location,
      hint: "Check the name under notify: against the handlers' name: or listen: values.",
      exitCode: ExitCode.generic,
    },
  );
}
