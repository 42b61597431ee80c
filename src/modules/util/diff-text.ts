/** Ansible's callback renders dict diffs (file module's before/after) as sorted, 4-space-indented JSON text. */
import { pyJsonDumps } from "../../template/filters/python-dump.js";
import type { FileDiff } from "../types.js";
import type { DiffDict } from "./attributes.js";

export function dictDiff(d: DiffDict): FileDiff {
  const text = (v: Record<string, unknown>) =>
    pyJsonDumps(v, { indent: 4, sortKeys: true, separators: [",", ": "] }) + "\n";
  return { before: text(d.before), after: text(d.after) };
}

/** Ansible's initial_diff (file module): the path, and the state before and after when they differ. */
export function initialDiff(path: string, state: string, prev: string): DiffDict {
  const d: DiffDict = { before: { path }, after: { path } };
  if (prev !== state) {
    d.before.state = prev;
    d.after.state = state;
  }
  return d;
}
