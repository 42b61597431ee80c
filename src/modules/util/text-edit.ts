/**
 * What lineinfile and blockinfile share: read a text file with its stat, the asked-for ids and the umask in one
 * probe; after the module computed the new text, write it (backup, validate, atomic rename onto the real path, as
 * their write_changes does) and apply owner/group/mode (check_file_attrs) in one more script. Results carry
 * Ansible's two diffs: the content, and the file attributes.
 */
import { posix } from "node:path";
import type { FileDiff, ModuleContext } from "../types.js";
import {
  applyScript,
  askIds,
  planAttributes,
  resolveIds,
  stepFailure,
  type AttrArgs,
  type DiffDict,
  type ResolvedIds,
} from "./attributes.js";
import { dictDiff } from "./diff-text.js";
import { ModuleFailure } from "./failure.js";
import { Probe, PROBE_FUNCTIONS, type FsProbe, type FsStat } from "./probe.js";
import { pathWord } from "./shell.js";
import { parseWriteOutput, writeScript } from "./write-file.js";

export interface TextEditArgs extends AttrArgs {
  path: string;
  backup: boolean;
  validate?: string | null;
}

export interface TextFile {
  path: string;
  /** lstat and stat (following links: `target` is then the real path). */
  l: FsProbe;
  f: FsProbe;
  /** The content (when the path is, or links to, a regular file). */
  content?: Buffer;
  parentExists: boolean;
  umask: number;
  me: { uid: number; gid: number };
  ids: ResolvedIds;
}

export async function readTextFile(ctx: ModuleContext, args: TextEditArgs): Promise<TextFile> {
  const probe = new Probe();
  const { l, f } = probe.stats(args.path);
  const body = probe.base64(args.path);
  const parent = probe.isDir(posix.dirname(args.path));
  const um = probe.umask();
  const me = probe.me();
  const q = askIds(probe, args);
  const a = await probe.run(ctx);
  const fs = a.stat(f);
  const { uid, gid } = a.me(me);
  return {
    path: args.path,
    l: a.stat(l),
    f: fs,
    ...(fs.exists && fs.kind === "file" ? { content: Buffer.from(a.text(body), "base64") } : {}),
    parentExists: a.text(parent) === "1",
    umask: a.umask(um),
    me: { uid, gid },
    ids: resolveIds(a, q),
  };
}

/** Python's bytes.splitlines(True) for readlines(): each line keeps its `\n` (lineinfile splits on `\n` only). */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export interface SaveOutcome {
  /** The attributes differed (Ansible's "ownership, perms or SE linux context changed"). */
  attrsChanged: boolean;
  backupFile?: string;
  /** The file-attributes diff, when something differed. */
  attrDiff?: FileDiff;
}

/** What a file the module creates looks like before its attributes are applied (atomic_move of a new file). */
function freshFile(t: TextFile): FsStat {
  return {
    exists: true,
    kind: "file",
    mode: 0o666 & ~t.umask,
    uid: t.me.uid,
    gid: t.me.gid,
    owner: String(t.me.uid),
    group: String(t.me.gid),
    size: 0,
    nlink: 1,
    ino: 0,
    dev: 0,
    mtime: 0,
    atime: 0,
    ctime: 0,
  };
}

/**
 * Writes `content` (undefined: the text is unchanged) and applies owner/group/mode; in check mode only compares.
 * `failValidate` formats a failed validation as the module reports it.
 */
export async function saveTextFile(
  ctx: ModuleContext,
  t: TextFile,
  args: TextEditArgs,
  content: string | undefined,
): Promise<SaveOutcome> {
  const exists = t.l.exists;
  const baseline = exists ? t.l : freshFile(t);
  const diff: DiffDict = { before: {}, after: {} };
  const plan = planAttributes(t.path, baseline, args, t.ids, t.umask, diff, ctx.check);
  const out: SaveOutcome = { attrsChanged: plan.changed };
  if (plan.changed) {
    out.attrDiff = {
      ...dictDiff(diff),
      before_header: `${t.path} (file attributes)`,
      after_header: `${t.path} (file attributes)`,
    };
  }
  if (ctx.check || (content === undefined && !plan.steps.length)) return out;

  const lines = [PROBE_FUNCTIONS];
  if (content !== undefined) {
    // The text goes to the real path: a link keeps pointing where it did, as os.path.realpath in write_changes.
    const target = t.f.exists ? (t.f.target ?? t.path) : t.path;
    if (!t.parentExists) lines.push(`mkdir -p -- ${pathWord(posix.dirname(t.path))} || exit 1`);
    lines.push(
      writeScript(target, {
        mode: t.f.exists ? t.f.mode : 0o666 & ~t.umask,
        keepOwner: t.f.exists,
        backup: args.backup && exists,
        ...(args.validate ? { validate: args.validate } : {}),
      }),
    );
  }
  lines.push(applyScript(plan.steps));
  const r = await ctx.conn.exec(lines.join("\n"), {
    become: ctx.become,
    ...(content !== undefined ? { stdin: content } : {}),
  });
  const written = content !== undefined ? parseWriteOutput(r.stdout, args.backup && exists) : undefined;
  if (written?.validation) {
    throw new ModuleFailure(
      `failed to validate: rc:${written.validation.rc} error:${written.validation.stderr}`,
    );
  }
  if (r.rc === 97) {
    const last = r.stdout.slice(r.stdout.lastIndexOf("\n") + 1);
    throw new ModuleFailure(
      stepFailure(plan.steps, 97, last, r.stderr)?.msg ?? "could not set file attributes",
      {
        path: t.path,
      },
    );
  }
  if (r.rc !== 0) throw new ModuleFailure(`Could not write ${t.path}: ${r.stderr.trim() || `rc ${r.rc}`}`);
  if (written?.backupFile) out.backupFile = written.backupFile;
  return out;
}

/** Ansible's content diff of the file-editing modules. */
export function contentDiff(path: string, before: string, after: string): FileDiff {
  return { before, after, before_header: `${path} (content)`, after_header: `${path} (content)` };
}

/** check_file_attrs: the message grows by the attribute change. */
export function withAttrMessage(msg: string, changed: boolean, attrsChanged: boolean): string {
  if (!attrsChanged) return msg;
  return `${msg}${changed ? " and " : ""}ownership, perms or SE linux context changed`;
}
