/**
 * Owner, group and mode as Ansible's set_fs_attributes_if_different applies them (file, copy, template share it):
 * compare each with the file's current stat, note before/after in the diff (uid/gid numbers, "0644" modes), and
 * give back only the commands for what differs. In check mode a missing file counts as changed, never as an error.
 */
import type { ArgSpec } from "../args.js";
import { ModuleFailure } from "./failure.js";
import { formatMode, ModeError, resolveMode } from "./mode.js";
import type { FsProbe, Probe, ProbeAnswers } from "./probe.js";
import { pathWord } from "./shell.js";

/** Ansible's add_file_common_args (SELinux options are accepted and ignored: Debian hosts run without it). */
export const FILE_COMMON_ARGS: ArgSpec = {
  mode: { type: "raw" },
  owner: { type: "str" },
  group: { type: "str" },
  seuser: { type: "str" },
  serole: { type: "str" },
  setype: { type: "str" },
  selevel: { type: "str" },
  unsafe_writes: { type: "bool", default: false },
};

export interface AttrArgs {
  owner?: string | null;
  group?: string | null;
  mode?: unknown;
}

/** Where the uid/gid answers for owner/group sit in a probe. */
export interface IdQuestions {
  uid?: number;
  gid?: number;
}

export function askIds(probe: Probe, args: AttrArgs): IdQuestions {
  return {
    ...(args.owner != null ? { uid: probe.uid(args.owner) } : {}),
    ...(args.group != null ? { gid: probe.gid(args.group) } : {}),
  };
}

/** Asked-for ids: a number, or null when the name has no user/group on the host. */
export interface ResolvedIds {
  uid?: number | null;
  gid?: number | null;
}

export function resolveIds(answers: ProbeAnswers, q: IdQuestions): ResolvedIds {
  return {
    ...(q.uid !== undefined ? { uid: answers.id(q.uid) ?? null } : {}),
    ...(q.gid !== undefined ? { gid: answers.id(q.gid) ?? null } : {}),
  };
}

/** One change on the host, with the message Ansible fails with when it does not work. */
export interface Step {
  cmd: string;
  /** Message prefix; the command's error output follows it. */
  fail: string;
  /** Ansible's failure for this step carries no `path` field (rmtree). */
  bare?: boolean;
}

export type DiffDict = { before: Record<string, unknown>; after: Record<string, unknown> };

export interface AttrPlan {
  changed: boolean;
  steps: Step[];
}

/**
 * Compares `current` (an lstat of `path`) with what `args` ask for. Commands use lchown semantics (-h), and a mode
 * is never applied to a symlink itself (Linux has no lchmod; Ansible's attempt is a no-op there).
 */
export function planAttributes(
  path: string,
  current: FsProbe,
  args: AttrArgs,
  ids: ResolvedIds,
  umask: number,
  diff?: DiffDict,
  checkMode = false,
): AttrPlan {
  const plan: AttrPlan = { changed: false, steps: [] };
  const wanted = args.owner != null || args.group != null || (args.mode !== undefined && args.mode !== null);
  if (!wanted) return plan;
  if (!current.exists) {
    // Only reachable in check mode (the file would have been created first): Ansible reports a change.
    if (checkMode) plan.changed = true;
    return plan;
  }
  const p = pathWord(path);
  if (ids.uid === null)
    throw new ModuleFailure(`chown failed: failed to look up user ${args.owner}`, { path });
  if (ids.uid !== undefined && ids.uid !== current.uid) {
    if (diff) {
      diff.before.owner = current.uid;
      diff.after.owner = ids.uid;
    }
    plan.steps.push({ cmd: `chown -h ${ids.uid} -- ${p}`, fail: "chown failed: " });
    plan.changed = true;
  }
  if (ids.gid === null)
    throw new ModuleFailure(`chgrp failed: failed to look up group ${args.group}`, { path });
  if (ids.gid !== undefined && ids.gid !== current.gid) {
    if (diff) {
      diff.before.group = current.gid;
      diff.after.group = ids.gid;
    }
    plan.steps.push({ cmd: `chgrp -h ${ids.gid} -- ${p}`, fail: "chgrp failed: " });
    plan.changed = true;
  }
  if (args.mode !== undefined && args.mode !== null) {
    let mode: number;
    try {
      mode = resolveMode(args.mode, { mode: current.mode, isDir: current.kind === "directory", umask });
    } catch (e) {
      if (e instanceof ModeError) throw new ModuleFailure(e.message, { path, details: e.details });
      throw e;
    }
    if (mode !== current.mode) {
      if (diff) {
        diff.before.mode = formatMode(current.mode);
        diff.after.mode = formatMode(mode);
      }
      if (current.kind !== "link")
        plan.steps.push({
          cmd: `chmod ${mode.toString(8).padStart(4, "0")} -- ${p}`,
          fail: "chmod failed: ",
        });
      plan.changed = true;
    }
  }
  return plan;
}

/** Ansible's add_path_info: the fields every file-ish result carries when the path exists. */
export function pathInfo(st: FsProbe, followed?: FsProbe): Record<string, unknown> {
  if (!st.exists) return {};
  // os.path.exists follows links: a dangling link gets no info.
  if (st.kind === "link" && followed && !followed.exists) return {};
  const state =
    st.kind === "link"
      ? "link"
      : st.kind === "directory"
        ? "directory"
        : (followed ?? st).exists && st.nlink > 1
          ? "hard"
          : "file";
  return {
    uid: st.uid,
    gid: st.gid,
    owner: st.owner,
    group: st.group,
    mode: formatMode(st.mode),
    state,
    size: st.size,
  };
}

/**
 * The script that applies steps in order and then prints `finalLines` (probe lines, e.g. the new stat). A failing
 * step stops it: rc 97, stdout "<index> <its error output>".
 */
export function applyScript(steps: Step[], finalLines: string[] = []): string {
  const body = steps.map(
    (s, i) => `if ! _o=$( { ${s.cmd}; } 2>&1 ); then printf '%s %s' ${i} "$_o"; exit 97; fi`,
  );
  return [...body, ...finalLines].join("\n");
}

const ERRNO: Record<string, number> = {
  "Operation not permitted": 1,
  "No such file or directory": 2,
  "Permission denied": 13,
  "File exists": 17,
  "Not a directory": 20,
  "Is a directory": 21,
  "Read-only file system": 30,
  "Directory not empty": 39,
};

/**
 * A coreutils error line as Python's OSError prints it: "rm: cannot remove '/a/f1': Permission denied" →
 * "[Errno 13] Permission denied: 'f1'" (rmtree names the entry only; others the whole path).
 */
export function pyOsError(text: string, entryOnly = false): string {
  const first = text.trim().split("\n")[0] ?? "";
  const m = /^[^:]+: (?:cannot [^']*|failed to [^']*)'(.*)': ([^:]+)$/.exec(first);
  if (!m || !(m[2]! in ERRNO)) return first.replace(/^[^:]+: /, "");
  const name = entryOnly ? m[1]!.split("/").pop()! : m[1]!;
  return `[Errno ${ERRNO[m[2]!]}] ${m[2]}: '${name}'`;
}

/** The failure of an apply script and the step that failed, or undefined when it succeeded. */
export function stepFailure(
  steps: Step[],
  rc: number,
  stdout: string,
  stderr: string,
): { msg: string; step?: Step } | undefined {
  if (rc === 0) return undefined;
  const m = rc === 97 ? /^(\d+) ([\s\S]*)$/.exec(stdout) : null;
  if (!m) return { msg: stderr.trim() || `rc ${rc}` };
  const step = steps[Number(m[1])]!;
  return { msg: step.fail + pyOsError(m[2]!, step.bare), step };
}
