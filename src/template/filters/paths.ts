/**
 * Path filters, with Python's os.path semantics (basename of "a/b/" is "", dirname keeps no trailing slash).
 * expanduser/realpath act on the controller, as Ansible's filters do.
 */
import { homedir } from "node:os";
import { posix, resolve as resolvePath } from "node:path";
import { realpathSync } from "node:fs";
import { need, type FilterFn } from "../registry.js";
import { pyStr } from "../values.js";

function text(v: unknown): string {
  return pyStr(need(v));
}

/** os.path.basename: everything after the last slash. */
export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** os.path.dirname: everything before the last slash, trailing slashes removed unless it is all slashes. */
export function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf("/") + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, "") : head;
}

export const pathFilters: Record<string, FilterFn> = {
  basename: (v) => pyBasename(text(v)),
  dirname: (v) => pyDirname(text(v)),
  expanduser: (v) => text(v).replace(/^~(?=\/|$)/, homedir()),
  realpath: (v) => {
    const p = resolvePath(text(v));
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  },
  relpath: (v, args) => posix.relative(args[0] === undefined ? process.cwd() : text(args[0]), text(v)),
  splitext: (v) => {
    const p = text(v);
    const base = pyBasename(p);
    const dot = base.lastIndexOf(".");
    if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ""];
    const cut = p.length - (base.length - dot);
    return [p.slice(0, cut), p.slice(cut)];
  },
  win_basename: (v) => text(v).split(/[\\/]/).pop() ?? "",
};
