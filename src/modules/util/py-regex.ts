/**
 * Python `re` patterns as the file-editing modules use them (lineinfile, blockinfile, cron's env names), run in
 * JavaScript. Lines are matched WITH their line break, as Python's readlines() hands them over, so `$` must keep
 * Python's meaning: end of text or just before a final newline — JavaScript's plain `$` only matches at the very end.
 * Also translated: `(?P<n>…)`, `(?P=n)`, `\A`, `\Z` and leading global flags `(?ims)`.
 */
import { ModuleFailure } from "./failure.js";

export interface PyRegex {
  re: RegExp;
  /** The pattern carried `(?m)` (blockinfile then searches the whole text). */
  multiline: boolean;
}

const cache = new Map<string, PyRegex>();

export function pyRegex(pattern: string): PyRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let rest = pattern;
  let flags = "";
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(rest); m; m = /^\(\?([aiLmsux]+)\)/.exec(rest)) {
    flags += m[1]!;
    rest = rest.slice(m[0].length);
  }
  const multiline = flags.includes("m");
  let js = "";
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === "\\") {
      const n = rest[i + 1] ?? "";
      i++;
      if (!inClass && n === "A") js += "(?<![\\s\\S])";
      else if (!inClass && n === "Z") js += "(?![\\s\\S])";
      else js += c + n;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      js += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      js += c;
      // A `]` right after `[` or `[^` is a literal member in both dialects.
      if (rest[i + 1] === "^") js += rest[++i];
      if (rest[i + 1] === "]") js += "\\" + rest[++i];
      continue;
    }
    if (c === "$") js += multiline ? "$" : "(?=\\n?(?![\\s\\S]))";
    else if (rest.startsWith("(?P<", i)) {
      js += "(?<";
      i += 3;
    } else if (rest.startsWith("(?P=", i)) {
      const end = rest.indexOf(")", i);
      js += `\\k<${rest.slice(i + 4, end)}>`;
      i = end;
    } else js += c;
  }
  const jsFlags =
    (flags.includes("i") ? "i" : "") + (multiline ? "m" : "") + (flags.includes("s") ? "s" : "");
  let re: RegExp;
  try {
    re = new RegExp(js, jsFlags + "u");
  } catch {
    try {
      re = new RegExp(js, jsFlags);
    } catch (e) {
      throw new ModuleFailure(`invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
  }
  const out = { re, multiline };
  cache.set(pattern, out);
  return out;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  f: "\f",
  v: "\v",
  a: "\x07",
  b: "\b",
  "\\": "\\",
};

/** Python's match.expand(template): `\1`, `\g<1>`, `\g<name>` and the usual escapes; other `\x` stay as written. */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (all, g?: string, d?: string, esc?: string) => {
    if (esc !== undefined) return ESCAPES[esc] ?? all;
    const ref = g ?? d!;
    if (/^\d+$/.test(ref)) {
      const n = Number(ref);
      if (n >= m.length) throw new ModuleFailure(`invalid group reference ${ref}`);
      return m[n] ?? "";
    }
    if (!m.groups || !(ref in m.groups)) throw new ModuleFailure(`unknown group name '${ref}'`);
    return m.groups[ref] ?? "";
  });
}
