/** Ansible's callback renders dict diffs (file module's before/after) as sorted, 4-space-indented JSON text. */
import { pyJsonDumps } from "../../template/filters/python-dump.js";
import type { FileDiff } from "../types.js";
import type { DiffDict } from "./attributes.js";

export function dictDiff(d: DiffDict): FileDiff {
  const text = (v: Record<string, unknown>) =>
    pyJsonDumps(v, { indent: 4, sortKeys: true, separators: [",", ": "] }) + "\n";
  return { before: text(d.before), after: text(d.after) };
}
