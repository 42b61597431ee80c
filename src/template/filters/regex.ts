/**
 * Ansible's regex_* filters. Patterns are written in Python's `re` dialect, so they are translated to JavaScript
 * (`(?P<n>...)` → `(?<n>...)`, `\Z`, `\A`) and replacement strings too (`\1`, `\g<name>` → `$1`, `$<name>`).
 */
import { param, expectString, type FilterFn } from "../registry.js";
import { pyStr, TemplateRuntimeError, truthy, tuple } from "../values.js";

const compiled = new Map<string, RegExp>();

export function pyRegex(
  pattern: string,
  flags: { ignorecase?: boolean; multiline?: boolean; global?: boolean },
): RegExp {
  const f = `${flags.global ? "g" : ""}${flags.ignorecase ? "i" : ""}${flags.multiline ? "m" : ""}u`;
  const key = `${f}\0${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const js = pattern
      .replace(/\(\?P<(\w+)>/g, "(?<$1>")
      .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
      .replace(/\\Z/g, "$(?![\\s\\S])")
      .replace(/\\A/g, "(?<![\\s\\S])");
    try {
      re = new RegExp(js, f);
    } catch {
      try {
        re = new RegExp(js, f.replace("u", ""));
      } catch (e) {
        throw new TemplateRuntimeError(
          `invalid regular expression ${pattern}: ${(e as Error).message}`,
          "value",
        );
      }
    }
    compiled.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Python replacement template → a function computing the replacement from a match. */
function expandReplacement(
  template: string,
  m: RegExpExecArray | string[],
  groups?: Record<string, string>,
): string {
  return template.replace(
    /\\(?:g<(\w+)>|(\d{1,2})|([\\nt]))/g,
    (_all, g: string | undefined, d: string | undefined, esc: string | undefined) => {
      if (esc) return esc === "n" ? "\n" : esc === "t" ? "\t" : "\\";
      const ref = g ?? d ?? "0";
      if (/^\d+$/.test(ref)) return m[Number(ref)] ?? "";
      const v = groups?.[ref];
      if (v === undefined) throw new TemplateRuntimeError(`unknown group name '${ref}'`, "value");
      return v;
    },
  );
}

function flagsOf(
  args: unknown[],
  kwargs: Record<string, unknown>,
  at: number,
): { ignorecase: boolean; multiline: boolean } {
  return {
    ignorecase: truthy(param(args, kwargs, at, "ignorecase", false)),
    multiline: truthy(param(args, kwargs, at + 1, "multiline", false)),
  };
}

const PY_SPECIAL = new Set("()[]{}?*+-|^$\\.&~# \t\n\r\v\f");

export const regexFilters: Record<string, FilterFn> = {
  regex_replace: (value, args, kwargs) => {
    const s = pyStr(value);
    const pattern = expectString(param(args, kwargs, 0, "pattern", ""), "regex_replace");
    const replacement = pyStr(param(args, kwargs, 1, "replacement", ""));
    const flags = flagsOf(args, kwargs, 2);
    const count = Number(param(args, kwargs, 4, "count", 0));
    const re = pyRegex(pattern, { ...flags, global: true });
    let n = 0;
    return s.replace(re, (...m: unknown[]) => {
      const last = m[m.length - 1];
      const groups = typeof last === "object" && last !== null ? (last as Record<string, string>) : undefined;
      const matchCount = m.length - (groups ? 3 : 2);
      const all = m.slice(0, matchCount).map((x) => (x === undefined ? "" : String(x)));
      if (count > 0 && n >= count) return all[0] as string;
      n++;
      return expandReplacement(replacement, all, groups);
    });
  },
  regex_search: (value, args, kwargs) => {
    const s = pyStr(value);
    const pattern = expectString(args[0], "regex_search");
    const refs = args.slice(1).map(pyStr);
    const m = pyRegex(pattern, flagsOf([], kwargs, 0)).exec(s);
    if (!m) return null;
    if (refs.length === 0) return m[0];
    return refs.map((r) => {
      const g = /^\\g<(\w+)>$/.exec(r);
      if (g) return (/^\d+$/.test(g[1] as string) ? m[Number(g[1])] : m.groups?.[g[1] as string]) ?? null;
      const d = /^\\(\d+)$/.exec(r);
      if (d) return m[Number(d[1])] ?? null;
      throw new TemplateRuntimeError(`Unknown argument ${r}`, "value");
    });
  },
  regex_findall: (value, args, kwargs) => {
    const s = pyStr(value);
    const pattern = expectString(args[0], "regex_findall");
    const flags = {
      multiline: truthy(param(args, kwargs, 1, "multiline", false)),
      ignorecase: truthy(param(args, kwargs, 2, "ignorecase", false)),
    };
    const re = pyRegex(pattern, { ...flags, global: true });
    const out: unknown[] = [];
    for (const m of s.matchAll(re)) {
      const groups = m.slice(1).map((g) => g ?? "");
      out.push(groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : tuple(groups));
    }
    return out;
  },
  regex_escape: (value, args, kwargs) => {
    const type = pyStr(param(args, kwargs, 0, "re_type", "python"));
    const s = pyStr(value);
    if (type === "posix_basic") return s.replace(/[.[\]\\*^$]/g, "\\$&");
    if (type !== "python")
      throw new TemplateRuntimeError("Regex type (" + type + ") not yet implemented", "value");
    return Array.from(s, (c) => (PY_SPECIAL.has(c) ? "\\" + c : c)).join("");
  },
};
