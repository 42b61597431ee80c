/**
 * Controller files for copy/template/script: Ansible's search order — the role's `files/` (or `templates/`), the
 * role dir, then the play's dir with and without the subdirectory. Absolute paths are used as given.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Task } from "../playbook/types.js";
import { InfraError } from "../util/errors.js";

export function findControllerFile(
  kind: "files" | "templates",
  name: string,
  task: Task,
  playDir: string,
): string {
  if (isAbsolute(name)) {
    if (existsSync(name)) return name;
    throw new InfraError(`Could not find or access '${name}' on the Ansible Controller.`, {
      location: task.location,
    });
  }
  const bases = [...(task.role ? [task.role.role.path] : []), playDir];
  const candidates = bases.flatMap((b) => [join(b, kind, name), join(b, name)]);
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw new InfraError(`Could not find or access '${name}'`, {
    location: task.location,
    hint: `Searched in:\n${candidates.map((c) => `\t${c}`).join("\n")}`,
  });
}
