/**
 * Host patterns (`hosts:` of a play, `--limit`), evaluated like Ansible 2.14's InventoryManager: `all`, `*`,
 * `web*`, `~regex`, `a:b` / `a,b` (union), `a:&b` (intersection), `a:!b` (exclusion), subscripts `g[0]`, `g[-1]`,
 * `g[1:]`, `g[0:2]` (inclusive). Hosts come back in inventory order, as Ansible returns them: union parts first,
 * then intersections, then exclusions, whatever order they were written in.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ExitCode, InfraError } from "../util/errors.js";
import { AddressError, parseAddress } from "./host-address.js";
import { LOCALHOST_NAMES, type Host, type Inventory } from "./model.js";

export interface SelectOptions {
  /** `--limit` patterns (with `@file` entries) applied on top of the selection. */
  limit?: string | string[];
  /** Directory a relative `@file` limit is read from (default: process.cwd()). */
  cwd?: string;
  /** Called with Ansible's warnings, e.g. "Could not match supplied host pattern, ignoring: x". */
  onWarning?: (message: string) => void;
}

const SUBSCRIPT_RE = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;
const PATTERN_PART_RE = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

/** `'a,b[1], c[2:3] , d'` → `['a', 'b[1]', 'c[2:3]', 'd']`; `:` separates too unless the whole is one address. */
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(",")) parts = pattern.split(",");
  else {
    try {
      parseAddress(pattern, true);
      parts = [pattern];
    } catch (e) {
      if (!(e instanceof AddressError)) throw e;
      parts = pattern.match(PATTERN_PART_RE) ?? [];
    }
  }
  return parts.map((p) => p.trim()).filter((p) => p);
}

/** The hosts a play's `hosts:` (or an ad-hoc pattern) targets, in inventory order, limited by `opts.limit`. */
export function selectHosts(
  inventory: Inventory,
  pattern: string | string[],
  opts: SelectOptions = {},
): Host[] {
  const hosts = evaluatePatterns(inventory, splitHostPattern(pattern), opts);
  return dedupe(opts.limit === undefined ? hosts : applyLimit(inventory, hosts, opts.limit, opts));
}

/** `--limit`: keep the hosts that the limit patterns also select (`@file` reads one pattern per line). */
export function applyLimit(
  inventory: Inventory,
  hosts: Host[],
  limit: string | string[],
  opts: Omit<SelectOptions, "limit"> = {},
): Host[] {
  const subset = evaluatePatterns(inventory, limitPatterns(limit, opts.cwd ?? process.cwd()), opts);
  const keep = new Set(subset);
  return hosts.filter((h) => keep.has(h));
}

/** The patterns of a `--limit` value, with `@file` entries replaced by the file's lines. */
export function limitPatterns(limit: string | string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of splitHostPattern(limit)) {
    if (p[0] !== "@") {
      out.push(p);
      continue;
    }
    const file = resolve(cwd, p.slice(1));
    if (!existsSync(file)) {
      throw new InfraError(`Unable to find limit file ${p.slice(1)}`, {
        hint: "--limit @FILE reads host patterns from FILE, one per line (e.g. a .retry file).",
        exitCode: ExitCode.options,
      });
    }
    if (!statSync(file).isFile()) {
      throw new InfraError(`Limit starting with "@" must be a file, not a directory: ${p.slice(1)}`, {
        hint: "--limit @FILE reads host patterns from FILE, one per line.",
        exitCode: ExitCode.options,
      });
    }
    out.push(
      ...readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim()),
    );
  }
  return out;
}

function orderPatterns(patterns: string[]): string[] {
  const regular = patterns.filter((p) => p && p[0] !== "!" && p[0] !== "&");
  const intersect = patterns.filter((p) => p && p[0] === "&");
  const exclude = patterns.filter((p) => p && p[0] === "!");
  return [...(regular.length ? regular : ["all"]), ...intersect, ...exclude];
}

function evaluatePatterns(inventory: Inventory, patterns: string[], opts: SelectOptions): Host[] {
  let hosts: Host[] = [];
  for (const p of orderPatterns(patterns)) {
    const exact = inventory.hosts.get(p);
    if (exact) {
      hosts.push(exact);
      continue;
    }
    const that = matchOnePattern(inventory, p, opts);
    if (p[0] === "!") {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === "&") {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const names = new Set(hosts.map((h) => h.name));
      hosts.push(...that.filter((h) => !names.has(h.name)));
    }
  }
  return hosts;
}

function matchOnePattern(inventory: Inventory, pattern: string, opts: SelectOptions): Host[] {
  if (pattern[0] === "&" || pattern[0] === "!") pattern = pattern.slice(1);
  const { expr, subscript } = splitSubscript(pattern, opts);
  const hosts = enumerateMatches(inventory, expr, opts);
  if (!hosts.length || !subscript) return hosts;
  const [start, end] = subscript;
  if (end) {
    const last = end === -1 ? hosts.length - 1 : end;
    return pySlice(hosts, start, last + 1);
  }
  const i = start < 0 ? hosts.length + start : start;
  if (i < 0 || i >= hosts.length) {
    throw new InfraError(`No hosts matched the subscripted pattern '${pattern}'`, {
      hint: `The pattern matches ${hosts.length} host(s); subscripts count from 0 (use [-1] for the last one).`,
      exitCode: ExitCode.options,
    });
  }
  return [hosts[i]!];
}

function splitSubscript(
  pattern: string,
  opts: SelectOptions,
): { expr: string; subscript?: [number, number | null] } {
  if (pattern[0] === "~") return { expr: pattern };
  const m = SUBSCRIPT_RE.exec(pattern);
  if (!m) return { expr: pattern };
  const [, expr, idx, start, sep, end] = m;
  if (idx) return { expr: expr!, subscript: [Number(idx), null] };
  if (sep === "-") opts.onWarning?.("Use [x:y] inclusive subscripts instead of [x-y] which has been removed");
  return { expr: expr!, subscript: [Number(start), end ? Number(end) : -1] };
}

/** Python's list[start:stop] for non-negative start. */
function pySlice<T>(items: T[], start: number, stop: number): T[] {
  return items.slice(start, stop < 0 ? Math.max(0, items.length + stop) : stop);
}

function enumerateMatches(inventory: Inventory, pattern: string, opts: SelectOptions): Host[] {
  const results: Host[] = [];
  const matcher = compileMatcher(pattern);
  const groups = [...inventory.groups.keys()].filter(matcher);
  for (const g of groups) results.push(...inventory.groups.get(g)!.allHosts());
  if (!groups.length || pattern[0] === "~" || /[.?*[]/.test(pattern)) {
    for (const name of [...inventory.hosts.keys()].filter(matcher)) results.push(inventory.hosts.get(name)!);
  }
  if (!results.length && LOCALHOST_NAMES.includes(pattern)) {
    const implicit = inventory.getHost(pattern);
    if (implicit) results.push(implicit);
  }
  if (!results.length && !groups.length && pattern !== "all") {
    opts.onWarning?.(`Could not match supplied host pattern, ignoring: ${pattern}`);
  }
  return results;
}

function compileMatcher(pattern: string): (name: string) => boolean {
  let re: RegExp;
  try {
    // `~regex` is matched at the start of the name (Python's re.match); globs must match the whole name.
    re =
      pattern[0] === "~"
        ? new RegExp(`^(?:${pythonRegex(pattern.slice(1))})`, "s")
        : new RegExp(fnmatchTranslate(pattern), "s");
  } catch {
    throw new InfraError(`Invalid host list pattern: ${pattern}`, {
      hint: "A ~pattern is a regular expression; check its brackets and escapes.",
      exitCode: ExitCode.options,
    });
  }
  return (name) => re.test(name);
}

/** The Python-only bits of regex syntax people use, in JavaScript's spelling. */
function pythonRegex(src: string): string {
  return src.replace(/\(\?P<(\w+)>/g, "(?<$1>").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
}

/** Python's fnmatch.translate: `*`, `?`, `[abc]`, `[!abc]`, everything else literal, anchored at both ends. */
export function fnmatchTranslate(pat: string): string {
  let out = "";
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === "*") {
      out += ".*";
      while (pat[i + 1] === "*") i++;
    } else if (c === "?") out += ".";
    else if (c === "[") {
      let j = i + 1;
      if (pat[j] === "!") j++;
      if (pat[j] === "]") j++;
      while (j < pat.length && pat[j] !== "]") j++;
      if (j >= pat.length) out += "\\[";
      else {
        let stuff = pat.slice(i + 1, j).replace(/\\/g, "\\\\");
        if (stuff[0] === "!") stuff = "^" + stuff.slice(1);
        else if (stuff[0] === "^") stuff = "\\" + stuff;
        out += `[${stuff.replace(/\[/g, "\\[")}]`;
        i = j;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return `^(?:${out})$`;
}

function dedupe(hosts: Host[]): Host[] {
  return [...new Set(hosts)];
}
