/**
 * What `--diff` prints for a result, as Ansible's `CallbackBase._get_diff`: notes for binary or oversized files,
 * then a unified diff of `before`/`after` with headers `--- before: <before_header>` / `+++ after: <after_header>`,
 * `n` lines of context, and "\ No newline at end of file" glued to a last line that lacks its newline (so that such a
 * line differs from the same text with a newline, as in Ansible). Structured before/after values (the file module's
 * `{path, state}`) are shown as sorted, indented JSON. Each `+`, `-` and `@@` line is coloured as Ansible does.
 *
 * Lines are matched with the `diff` package (Myers); Python's difflib may align differently where two alignments are
 * equally short (moved blocks), otherwise the hunks are the same.
 */
import { diffArrays } from "diff";
import { COLOR, stringc } from "./colors.js";
import { pythonJson } from "./python-json.js";

export interface DiffOptions {
  /** Lines of context (Ansible's DIFF_CONTEXT, default 3). */
  context?: number;
  color?: boolean;
}

type Opcode = {
  tag: "equal" | "replace" | "delete" | "insert";
  i1: number;
  i2: number;
  j1: number;
  j2: number;
};

export function formatDiff(diffs: unknown, options: DiffOptions = {}): string {
  const list = Array.isArray(diffs) ? diffs : [diffs];
  const out: string[] = [];
  for (const entry of list) {
    if (!entry || typeof entry !== "object") continue;
    out.push(...formatOne(entry as Record<string, unknown>, options));
  }
  return out.join("");
}

function formatOne(diff: Record<string, unknown>, options: DiffOptions): string[] {
  const ret: string[] = [];
  if ("dst_binary" in diff) ret.push("diff skipped: destination file appears to be binary\n");
  if ("src_binary" in diff) ret.push("diff skipped: source file appears to be binary\n");
  if ("dst_larger" in diff)
    ret.push(`diff skipped: destination file size is greater than ${String(diff.dst_larger)}\n`);
  if ("src_larger" in diff)
    ret.push(`diff skipped: source file size is greater than ${String(diff.src_larger)}\n`);
  if ("before" in diff && "after" in diff) {
    const before = asText(diff.before);
    const after = asText(diff.after);
    const fromFile = "before_header" in diff ? `before: ${String(diff.before_header)}` : "before";
    const toFile = "after_header" in diff ? `after: ${String(diff.after_header)}` : "after";
    const lines = unifiedDiff(
      splitLinesKeepEnds(before),
      splitLinesKeepEnds(after),
      fromFile,
      toFile,
      options.context ?? 3,
    );
    const color = options.color ?? false;
    for (const line of lines) {
      if (line.startsWith("+")) ret.push(stringc(line, COLOR.diffAdd, color));
      else if (line.startsWith("-")) ret.push(stringc(line, COLOR.diffRemove, color));
      else if (line.startsWith("@@")) ret.push(stringc(line, COLOR.diffLines, color));
      else ret.push(line);
    }
    if (lines.length > 0) ret.push("\n");
  }
  if ("prepared" in diff && typeof diff.prepared === "string") ret.push(diff.prepared);
  return ret;
}

/** Mappings are shown as JSON "files" (Ansible's `_serialize_diff`); None is an empty file. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && !Array.isArray(value))
    return pythonJson(value, { indent: 4, sortKeys: true }) + "\n";
  return String(value);
}

/** Python's `str.splitlines(True)` plus Ansible's marker on a last line without a newline. */
function splitLinesKeepEnds(text: string): string[] {
  const lines =
    text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g) ?? [];
  // The pattern matches an empty string at the very end; drop it.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length > 0 && !lines[lines.length - 1]!.endsWith("\n")) {
    lines[lines.length - 1] += "\n\\ No newline at end of file\n";
  }
  return lines;
}

/** difflib.unified_diff's output for two line lists (lines keep their endings, lineterm ""). */
function unifiedDiff(a: string[], b: string[], fromFile: string, toFile: string, n: number): string[] {
  const out: string[] = [];
  for (const group of groupedOpcodes(opcodes(a, b), n)) {
    if (out.length === 0) out.push(`--- ${fromFile}\n`, `+++ ${toFile}\n`);
    const first = group[0]!;
    const last = group[group.length - 1]!;
    out.push(`@@ -${formatRange(first.i1, last.i2)} +${formatRange(first.j1, last.j2)} @@\n`);
    for (const op of group) {
      if (op.tag === "equal") {
        for (const line of a.slice(op.i1, op.i2)) out.push(" " + line);
        continue;
      }
      if (op.tag === "replace" || op.tag === "delete")
        for (const line of a.slice(op.i1, op.i2)) out.push("-" + line);
      if (op.tag === "replace" || op.tag === "insert")
        for (const line of b.slice(op.j1, op.j2)) out.push("+" + line);
    }
  }
  return out;
}

/** difflib's `_format_range_unified`: "start,count", a lone line as "start", an empty range before its line. */
function formatRange(start: number, stop: number): string {
  let beginning = start + 1;
  const length = stop - start;
  if (length === 1) return String(beginning);
  if (length === 0) beginning -= 1;
  return `${beginning},${length}`;
}

/** SequenceMatcher-style opcodes from the `diff` package's changes: adjacent removals and additions form a replace. */
function opcodes(a: string[], b: string[]): Opcode[] {
  const ops: Opcode[] = [];
  let i = 0;
  let j = 0;
  let pending: Opcode | undefined;
  const flush = (): void => {
    if (!pending) return;
    const deleted = pending.i2 > pending.i1;
    const inserted = pending.j2 > pending.j1;
    pending.tag = deleted && inserted ? "replace" : deleted ? "delete" : "insert";
    ops.push(pending);
    pending = undefined;
  };
  for (const change of diffArrays(a, b)) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      flush();
      ops.push({ tag: "equal", i1: i, i2: i + count, j1: j, j2: j + count });
      i += count;
      j += count;
      continue;
    }
    pending ??= { tag: "replace", i1: i, i2: i, j1: j, j2: j };
    if (change.removed) {
      i += count;
      pending.i2 = i;
    } else {
      j += count;
      pending.j2 = j;
    }
  }
  flush();
  return ops;
}

/** difflib's `get_grouped_opcodes`: hunks of changes with up to n lines of context, split on longer equal runs. */
function groupedOpcodes(input: Opcode[], n: number): Opcode[][] {
  const codes =
    input.length > 0
      ? input.map((op) => ({ ...op }))
      : [{ tag: "equal" as const, i1: 0, i2: 1, j1: 0, j2: 1 }];
  const head = codes[0]!;
  if (head.tag === "equal") {
    head.i1 = Math.max(head.i1, head.i2 - n);
    head.j1 = Math.max(head.j1, head.j2 - n);
  }
  const tail = codes[codes.length - 1]!;
  if (tail.tag === "equal") {
    tail.i2 = Math.min(tail.i2, tail.i1 + n);
    tail.j2 = Math.min(tail.j2, tail.j1 + n);
  }
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const op of codes) {
    let { i1, j1 } = op;
    if (op.tag === "equal" && op.i2 - op.i1 > 2 * n) {
      group.push({ tag: "equal", i1, i2: Math.min(op.i2, i1 + n), j1, j2: Math.min(op.j2, j1 + n) });
      groups.push(group);
      group = [];
      i1 = Math.max(i1, op.i2 - n);
      j1 = Math.max(j1, op.j2 - n);
    }
    group.push({ tag: op.tag, i1, i2: op.i2, j1, j2: op.j2 });
  }
  if (group.length > 0 && !(group.length === 1 && group[0]!.tag === "equal")) groups.push(group);
  return groups;
}
