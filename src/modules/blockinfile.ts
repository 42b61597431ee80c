/**
 * ansible.builtin.blockinfile: keeps a block of lines between two marker lines (`# BEGIN ANSIBLE MANAGED BLOCK` …),
 * replacing the block in place when the markers exist, else inserting it after/before the last line a regexp
 * matches (or at BOF/EOF); `state: absent` (or an empty block) removes it with its markers. Ansible's main()
 * step for step; one round trip to read, one more to write.
 */
import type { FileDiff, Module, ModuleResult } from "./types.js";
import { FILE_COMMON_ARGS } from "./util/attributes.js";
import { ModuleFailure } from "./util/failure.js";
import { expandTemplate, pyRegex } from "./util/py-regex.js";
import {
  contentDiff,
  readTextFile,
  saveTextFile,
  withAttrMessage,
  type TextEditArgs,
} from "./util/text-edit.js";

export interface BlockinfileArgs extends TextEditArgs {
  state: "present" | "absent";
  marker: string;
  block: string;
  insertafter?: string | null;
  insertbefore?: string | null;
  create: boolean;
  marker_begin: string;
  marker_end: string;
}

/** Python's str.splitlines(True) (blockinfile splits the original text with it). */
function splitKeepEnds(s: string): string[] {
  return (
    s.match(
      /[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])|[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+$/g,
    ) ?? []
  );
}

/** re.sub('{mark}', value, marker): the value is a replacement template (its backslash escapes apply). */
function markerLine(marker: string, value: string): string {
  const m = Object.assign(["{mark}"], { index: 0, input: "{mark}" }) as unknown as RegExpExecArray;
  return marker.split("{mark}").join(expandTemplate(value, m)) + "\n";
}

/** The new text (null original = no file) for the arguments; pure, so it is unit-tested apart. */
export function blockText(original: string | null, a: BlockinfileArgs): string {
  const lines = original === null ? [] : splitKeepEnds(original);
  const present = a.state === "present";
  let insertafter = a.insertafter ?? null;
  const insertbefore = a.insertbefore ?? null;
  if (insertbefore == null && insertafter == null) insertafter = "EOF";
  const insertre =
    insertafter != null && insertafter !== "EOF"
      ? pyRegex(insertafter)
      : insertbefore != null && insertbefore !== "BOF"
        ? pyRegex(insertbefore)
        : undefined;
  const marker0 = markerLine(a.marker, a.marker_begin);
  const marker1 = markerLine(a.marker, a.marker_end);
  let blocklines: string[] = [];
  if (present && a.block) {
    const block = a.block.endsWith("\n") ? a.block : a.block + "\n";
    blocklines = [marker0, ...splitKeepEnds(block), marker1];
  }
  let n0: number | null = null;
  let n1: number | null = null;
  lines.forEach((line, i) => {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  });
  if (n0 === null || n1 === null) {
    n0 = null;
    if (insertre) {
      if (insertre.multiline) {
        const text = original ?? "";
        const m = insertre.re.exec(text);
        if (m) {
          const upTo = insertafter ? m.index + m[0].length : m.index;
          n0 = (text.slice(0, upTo).match(/\n/g) ?? []).length;
        }
      } else {
        lines.forEach((line, i) => {
          if (insertre.re.test(line)) n0 = i;
        });
      }
      if (n0 === null) n0 = lines.length;
      else if (insertafter != null) n0 += 1;
    } else if (insertbefore != null) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  const at: number = n0;
  if (at > 0 && !lines[at - 1]!.endsWith("\n")) lines[at - 1] += "\n";
  lines.splice(at, 0, ...blocklines);
  return lines.join("");
}

export const blockinfile: Module<BlockinfileArgs> = {
  name: "blockinfile",
  aliases: ["ansible.builtin.blockinfile", "ansible.legacy.blockinfile"],
  args: {
    path: { type: "path", required: true, aliases: ["dest", "destfile", "name"] },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    marker: { type: "str", default: "# {mark} ANSIBLE MANAGED BLOCK" },
    block: { type: "str", default: "", aliases: ["content"] },
    insertafter: { type: "str" },
    insertbefore: { type: "str" },
    create: { type: "bool", default: false },
    backup: { type: "bool", default: false },
    validate: { type: "str" },
    marker_begin: { type: "str", default: "BEGIN" },
    marker_end: { type: "str", default: "END" },
    ...FILE_COMMON_ARGS,
  },
  rules: { mutuallyExclusive: [["insertbefore", "insertafter"]] },
  checkMode: true,
  async run(args, ctx): Promise<ModuleResult> {
    const t = await readTextFile(ctx, args);
    if (t.f.exists && t.f.kind === "directory")
      throw new ModuleFailure(`Path ${args.path} is a directory !`, { rc: 256 });
    if (!t.f.exists && !args.create)
      throw new ModuleFailure(`Path ${args.path} does not exist !`, { rc: 257 });
    const original = t.content !== undefined ? t.content.toString("utf8") : null;
    if (args.state === "absent" && !t.f.exists)
      return { changed: false, msg: `File ${args.path} not present` };
    const result = blockText(original, args);
    let msg = "";
    let changed = true;
    if (original === result) changed = false;
    else if (original === null) msg = "File created";
    else if (!(args.state === "present" && args.block)) msg = "Block removed";
    else msg = "Block inserted";
    const diff = contentDiff(args.path, ctx.diff ? (original ?? "") : "", ctx.diff ? result : "");
    if (ctx.check && !t.f.exists) return { changed, msg, ...(ctx.diff ? { diff } : {}) };
    const saved = await saveTextFile(ctx, t, args, changed ? result : undefined);
    const diffs: FileDiff[] = [diff, ...(saved.attrDiff ? [saved.attrDiff] : [])];
    return {
      changed: changed || saved.attrsChanged,
      msg: withAttrMessage(msg, changed, saved.attrsChanged),
      ...(ctx.diff ? { diff: diffs } : {}),
      ...(saved.backupFile ? { backup_file: saved.backupFile } : {}),
    };
  },
};
