/** Ansible's boolean(): what counts as true in keywords like `become: yes` or `ignore_errors: "{{ x }}"`. */
const TRUE = new Set(["yes", "on", "1", "true", "y", "t"]);

export function toBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v === 1;
  if (typeof v === "string") return TRUE.has(v.trim().toLowerCase());
  return false;
}
