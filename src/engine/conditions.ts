/**
 * A condition (`when`, `changed_when`, `failed_when`, `until`, an import's `when`) as Ansible evaluates it: a bool
 * as itself, a mapping or list by its truthiness, text as a Jinja2 expression with the task's variables.
 */
import type { Task } from "../playbook/types.js";
import type { Templar } from "../template/templar.js";

export function evaluateCondition(t: Templar, cond: unknown, task: Task): boolean {
  if (typeof cond === "boolean") return cond;
  if (cond === null || cond === undefined) return true;
  // A mapping or list written as a condition is not templated text: Ansible uses its truthiness (empty = false).
  if (Array.isArray(cond)) return cond.length > 0;
  if (typeof cond === "object" && Object.getPrototypeOf(cond) === Object.prototype)
    return Object.keys(cond).length > 0;
  let text = String(cond).trim();
  // A condition written as a whole template (`when: "{{ x }}"`) is evaluated like the bare expression.
  const whole = /^\{\{(.*)\}\}$/s.exec(text);
  if (whole && !whole[1]!.includes("}}")) text = whole[1]!.trim();
  return t.evaluate(text, { location: task.location });
}
