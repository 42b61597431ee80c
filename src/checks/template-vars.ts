/** `{{ name }}` in a definition's strings, filled from discovered and given values. */
export class MissingVar extends Error {
  constructor(readonly names: string[]) {
    super(`needs ${names.map((n) => `{{ ${n} }}`).join(", ")}`);
  }
}

export function fillVars<T>(value: T, vars: Record<string, string>): T {
  const missing = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string")
      return v.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (m, name: string) => {
        if (name in vars) return vars[name]!;
        missing.add(name);
        return m;
      });
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  if (missing.size) throw new MissingVar([...missing]);
  return out;
}
