/**
 * ansible.builtin.lineinfile: makes sure one line is in a file (replacing the line a regexp or search string finds,
 * else inserting it after/before a match, at BOF or EOF), or removes every matching line. The edit is Ansible's
 * present()/absent() step for step, on lines as readlines() gives them; reading costs one round trip, a change one
 * more (backup, validate, atomic rename, owner/group/mode).
 */
import { ModuleArgsError } from "./args.js";
import type { FileDiff, Module, ModuleResult } from "./types.js";
import { FILE_COMMON_ARGS } from "./util/attributes.js";
import { ModuleFailure } from "./util/failure.js";
import { expandTemplate, pyRegex } from "./util/py-regex.js";
import {
  contentDiff,
  readLines,
  readTextFile,
  saveTextFile,
  withAttrMessage,
  type TextEditArgs,
} from "./util/text-edit.js";

export interface LineinfileArgs extends TextEditArgs {
  state: "present" | "absent";
  regexp?: string | null;
  search_string?: string | null;
  line?: string | null;
  insertafter?: string | null;
  insertbefore?: string | null;
  backrefs: boolean;
  create: boolean;
  firstmatch: boolean;
}

/** Strips one trailing run of \r and \n, as bytes.rstrip(b'\r\n'). */
const bare = (s: string) => s.replace(/[\r\n]+$/, "");

export interface LineEdit {
  lines: string[];
  changed: boolean;
  msg: string;
  found?: number;
}

/** present(): the new lines, whether they changed and Ansible's message. */
export function presentLines(input: string[], a: LineinfileArgs): LineEdit {
  const lines = [...input];
  const line = a.line!;
  const insertafter = a.insertafter ?? (a.insertbefore == null ? "EOF" : null);
  const insertbefore = a.insertbefore ?? null;
  const reM = a.regexp != null ? pyRegex(a.regexp).re : undefined;
  const reIns =
    insertafter != null && insertafter !== "BOF" && insertafter !== "EOF"
      ? pyRegex(insertafter).re
      : insertbefore != null && insertbefore !== "BOF"
        ? pyRegex(insertbefore).re
        : undefined;
  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exact = false;
  if (reM) {
    for (let i = 0; i < lines.length; i++) {
      const m = reM.exec(lines[i]!);
      if (m) {
        index[0] = i;
        match = m;
        if (a.firstmatch) break;
      }
    }
  }
  if (a.search_string != null) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.includes(a.search_string)) {
        index[0] = i;
        match = true;
        if (a.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      if (line === bare(lines[i]!)) {
        index[0] = i;
        exact = true;
      } else if (reIns && reIns.test(lines[i]!)) {
        if (insertafter) {
          index[1] = i + 1;
          if (a.firstmatch) break;
        }
        if (insertbefore) {
          index[1] = i;
          if (a.firstmatch) break;
        }
      }
    }
  }
  const add = (at: number): LineEdit => {
    lines.splice(at, 0, line + "\n");
    return { lines, changed: true, msg: "line added" };
  };
  const same: LineEdit = { lines, changed: false, msg: "" };
  const fixLastNewline = () => {
    const last = lines[lines.length - 1];
    if (last !== undefined && !/[\r\n]$/.test(last)) lines[lines.length - 1] = last + "\n";
  };
  if (index[0] !== -1) {
    let newLine = a.backrefs && match && typeof match !== "boolean" ? expandTemplate(line, match) : line;
    if (!newLine.endsWith("\n")) newLine += "\n";
    if (a.regexp == null && a.search_string == null && !match && !exact) {
      // The line exists and no regexp/search_string: make sure it sits right after/before the insert point.
      if (insertafter && insertafter !== "EOF") {
        fixLastNewline();
        if (lines.length === index[1]) {
          if (bare(lines[index[1] - 1]!) !== line) {
            lines.push(line + "\n");
            return { lines, changed: true, msg: "line added" };
          }
        } else if (bare(lines[index[1]!]!) !== line) return add(index[1]!);
      } else if (insertbefore && insertbefore !== "BOF") {
        if (index[1]! <= 0) {
          if (bare(lines.at(index[1]!)!) !== line) return add(index[1]!);
        } else if (bare(lines[index[1]! - 1]!) !== line) return add(index[1]!);
      }
      return same;
    }
    if (lines[index[0]!] !== newLine) {
      lines[index[0]!] = newLine;
      return { lines, changed: true, msg: "line replaced" };
    }
    return same;
  }
  if (a.backrefs) return same;
  if (insertbefore === "BOF" || insertafter === "BOF") return add(0);
  if (insertafter === "EOF" || index[1] === -1) {
    const last = lines[lines.length - 1];
    if (last !== undefined && !/[\r\n]$/.test(last)) lines.push("\n");
    lines.push(line + "\n");
    return { lines, changed: true, msg: "line added" };
  }
  if (insertafter && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (bare(lines[index[1] - 1]!) !== line) {
        lines.push(line + "\n");
        return { lines, changed: true, msg: "line added" };
      }
      return same;
    }
    if (line !== bare(lines[index[1]!]!)) return add(index[1]!);
    return same;
  }
  return add(index[1]!);
}

/** absent(): every line the regexp, search string or exact line matches goes. */
export function absentLines(input: string[], a: LineinfileArgs): LineEdit {
  const re = a.regexp != null ? pyRegex(a.regexp).re : undefined;
  const hit = (l: string) =>
    re ? re.test(l) : a.search_string != null ? l.includes(a.search_string) : a.line === bare(l);
  const lines = input.filter((l) => !hit(l));
  const found = input.length - lines.length;
  return { lines, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : "", found };
}

export const lineinfile: Module<LineinfileArgs> = {
  name: "lineinfile",
  aliases: ["ansible.builtin.lineinfile", "ansible.legacy.lineinfile"],
  args: {
    path: { type: "path", required: true, aliases: ["dest", "destfile", "name"] },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    regexp: { type: "str", aliases: ["regex"] },
    search_string: { type: "str" },
    line: { type: "str", aliases: ["value"] },
    insertafter: { type: "str" },
    insertbefore: { type: "str" },
    backrefs: { type: "bool", default: false },
    create: { type: "bool", default: false },
    backup: { type: "bool", default: false },
    firstmatch: { type: "bool", default: false },
    validate: { type: "str" },
    ...FILE_COMMON_ARGS,
  },
  rules: {
    mutuallyExclusive: [
      ["insertbefore", "insertafter"],
      ["regexp", "search_string"],
      ["backrefs", "search_string"],
    ],
  },
  checkMode: true,
  async run(args, ctx): Promise<ModuleResult> {
    if (args.regexp === "" || args.search_string === "") {
      const what = args.regexp === "" ? "regular expression" : "search string";
      ctx.warn(
        `The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.` +
          (args.regexp === ""
            ? " If this is desired, use '^' to match every line in the file and avoid this warning."
            : ""),
      );
    }
    const t = await readTextFile(ctx, args);
    if (t.f.exists && t.f.kind === "directory")
      throw new ModuleFailure(`Path ${args.path} is a directory !`, { rc: 256 });
    const present = args.state === "present";
    if (present) {
      if (args.backrefs && args.regexp == null)
        throw new ModuleArgsError("regexp is required with backrefs=true");
      if (args.line == null) throw new ModuleArgsError("line is required with state=present");
      if (!t.f.exists && !args.create)
        throw new ModuleFailure(`Destination ${args.path} does not exist !`, { rc: 257 });
    } else {
      if (args.regexp == null && args.search_string == null && args.line == null)
        throw new ModuleArgsError("one of line, search_string, or regexp is required with state=absent");
      if (!t.f.exists) return { changed: false, msg: "file not present" };
    }
    const before = t.content?.toString("utf8") ?? "";
    const edit = present ? presentLines(readLines(before), args) : absentLines(readLines(before), args);
    const after = edit.lines.join("");
    const diff = contentDiff(args.path, ctx.diff ? before : "", ctx.diff ? after : "");
    if (ctx.check && !t.f.exists) {
      return { changed: edit.changed, msg: edit.msg, backup: "", ...(ctx.diff ? { diff } : {}) };
    }
    const saved = await saveTextFile(ctx, t, args, edit.changed ? after : undefined);
    const diffs: FileDiff[] = [diff, ...(saved.attrDiff ? [saved.attrDiff] : [])];
    return {
      changed: edit.changed || saved.attrsChanged,
      ...(edit.found !== undefined ? { found: edit.found } : {}),
      msg: withAttrMessage(edit.msg, edit.changed, saved.attrsChanged),
      backup: saved.backupFile ?? "",
      ...(ctx.diff ? { diff: diffs } : {}),
    };
  },
};
