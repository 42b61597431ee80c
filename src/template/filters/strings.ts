/**
 * Text filters: Jinja2's builtins (lower, upper, title, replace, trim, center, indent, wordwrap, truncate, join,
 * format, reverse) and Ansible's (split, quote, comment-free helpers). Jinja2's versions are re-implemented where
 * nunjucks' differ (e.g. `title` splits words on hyphens and brackets, `indent` skips the first line).
 */
import { iterate } from "../operators.js";
import { percentFormat } from "../percent-format.js";
import { pyCapitalize, pySplit } from "../py-methods.js";
import { need, param, type FilterFn, type RenderScope } from "../registry.js";
import { num, pyStr, TemplateRuntimeError, truthy } from "../values.js";
import { attributeGetter } from "./collections.js";

function text(v: unknown): string {
  return pyStr(need(v));
}

/** Python's shlex.quote. */
export function shellQuote(s: string): string {
  if (s === "") return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

function splitlines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function indent(s: string, width: unknown, first: boolean, blank: boolean): string {
  const pad = typeof width === "string" ? width : " ".repeat(num(width));
  const lines = splitlines(s + "\n");
  let rv: string;
  if (blank) rv = lines.join("\n" + pad);
  else {
    rv = lines.shift() ?? "";
    if (lines.length) rv += "\n" + lines.map((l) => (l ? pad + l : l)).join("\n");
  }
  return first ? pad + rv : rv;
}

/** textwrap.wrap as Jinja2's wordwrap calls it (no tab expansion, whitespace kept inside lines). */
function wrapLine(line: string, width: number, breakLong: boolean): string[] {
  const chunks = line.split(/(\s+)/).filter((c) => c !== "");
  const lines: string[] = [];
  let cur: string[] = [];
  let len = 0;
  while (chunks.length) {
    if (cur.length === 0 && lines.length > 0 && /^\s+$/.test(chunks[0] as string)) chunks.shift();
    if (!chunks.length) break;
    const chunk = chunks[0] as string;
    if (len + chunk.length <= width) {
      cur.push(chunk);
      len += chunk.length;
      chunks.shift();
      continue;
    }
    if (chunk.length > width && breakLong && !/^\s+$/.test(chunk)) {
      const room = Math.max(1, width - len);
      cur.push(chunk.slice(0, room));
      chunks[0] = chunk.slice(room);
      len = width;
    }
    if (cur.length && /^\s+$/.test(cur[cur.length - 1] as string)) cur.pop();
    if (cur.length) lines.push(cur.join(""));
    else if (!breakLong) {
      lines.push(chunks.shift() as string);
    }
    cur = [];
    len = 0;
  }
  if (cur.length && /^\s+$/.test(cur[cur.length - 1] as string)) cur.pop();
  if (cur.length) lines.push(cur.join(""));
  return lines;
}

function joinFilter(
  value: unknown,
  args: unknown[],
  kwargs: Record<string, unknown>,
  scope: RenderScope,
): string {
  const sep = pyStr(param(args, kwargs, 0, "d", ""));
  const attribute = param(args, kwargs, 1, "attribute", null);
  let items = iterate(value);
  if (attribute !== null) items = items.map(attributeGetter(attribute, scope));
  return items.map(text).join(sep);
}

export const stringFilters: Record<string, FilterFn> = {
  lower: (v) => text(v).toLowerCase(),
  upper: (v) => text(v).toUpperCase(),
  capitalize: (v) => pyCapitalize(text(v)),
  title: (v) =>
    text(v)
      .split(/([-\s({[<]+)/)
      .filter((x) => x)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
      .join(""),
  replace: (v, args, kwargs) => {
    const s = text(v);
    const old = text(param(args, kwargs, 0, "old", ""));
    const rep = text(param(args, kwargs, 1, "new", ""));
    const count = param(args, kwargs, 2, "count", null);
    const parts = s.split(old);
    if (count === null || num(count) < 0) return parts.join(rep);
    const c = num(count);
    return parts.slice(0, c + 1).join(rep) + (parts.length > c + 1 ? old + parts.slice(c + 1).join(old) : "");
  },
  trim: (v, args, kwargs) => {
    const chars = param(args, kwargs, 0, "chars", null);
    const s = text(v);
    if (chars === null) return s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, "");
    const set = text(chars);
    let a = 0;
    let b = s.length;
    while (a < b && set.includes(s[a] as string)) a++;
    while (b > a && set.includes(s[b - 1] as string)) b--;
    return s.slice(a, b);
  },
  center: (v, args, kwargs) => {
    const s = text(v);
    const w = num(param(args, kwargs, 0, "width", 80));
    const total = w - s.length;
    if (total <= 0) return s;
    const left = Math.floor(total / 2) + (total & w & 1);
    return " ".repeat(left) + s + " ".repeat(total - left);
  },
  indent: (v, args, kwargs) =>
    indent(
      text(v),
      param(args, kwargs, 0, "width", 4),
      truthy(param(args, kwargs, 1, "first", false)),
      truthy(param(args, kwargs, 2, "blank", false)),
    ),
  wordwrap: (v, args, kwargs) => {
    const width = num(param(args, kwargs, 0, "width", 79));
    const breakLong = truthy(param(args, kwargs, 1, "break_long_words", true));
    const wrapstring = pyStr(param(args, kwargs, 2, "wrapstring", "\n"));
    return splitlines(text(v))
      .map((line) => wrapLine(line, width, breakLong).join(wrapstring))
      .join(wrapstring);
  },
  truncate: (v, args, kwargs) => {
    const s = text(v);
    const length = num(param(args, kwargs, 0, "length", 255));
    const killwords = truthy(param(args, kwargs, 1, "killwords", false));
    const end = pyStr(param(args, kwargs, 2, "end", "..."));
    const leeway = num(param(args, kwargs, 3, "leeway", 5));
    if (s.length <= length + leeway) return s;
    if (killwords) return s.slice(0, length - end.length) + end;
    const cut = s.slice(0, length - end.length);
    const i = cut.lastIndexOf(" ");
    return (i >= 0 ? cut.slice(0, i) : cut) + end;
  },
  wordcount: (v) => (text(v).match(/\w+/gu) ?? []).length,
  join: joinFilter,
  split: (v, args, kwargs) =>
    pySplit(text(v), param(args, kwargs, 0, "sep", null), num(param(args, kwargs, 1, "maxsplit", -1))),
  format: (v, args, kwargs) => {
    if (args.length && Object.keys(kwargs).length)
      throw new TemplateRuntimeError(
        "can't handle positional and keyword arguments at the same time",
        "value",
      );
    return percentFormat(text(v), Object.keys(kwargs).length ? kwargs : args);
  },
  reverse: (v) => {
    need(v);
    if (typeof v === "string") return Array.from(v).reverse().join("");
    return [...iterate(v)].reverse();
  },
  quote: (v) => shellQuote(text(v)),
  striptags: (v) =>
    text(v)
      .replace(/<!--.*?-->|<[^>]*>/gs, "")
      .replace(/\s+/g, " ")
      .trim(),
  urlencode: (v) => encodeURIComponent(text(v)).replace(/%2F/g, "/"),
};
