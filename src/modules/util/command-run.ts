/**
 * The command/shell modules' shared core (Ansible runs shell as command with _uses_shell). One script does it all
 * on the host: change directory, test `creates`/`removes` (globs, relative to chdir as in Ansible), then exec the
 * command. Our own outcomes are told apart from the command's output by a per-call marker.
 */
import { ModuleArgsError } from "../args.js";
import { shlexSplit, ShlexError } from "../../inventory/python-shlex.js";
import type { ModuleContext, ModuleResult } from "../types.js";
import { globWord, nonce, pathWord, quote, splitlines } from "./shell.js";

export interface CommandArgs {
  _raw_params?: string | null;
  argv?: string[] | null;
  chdir?: string | null;
  executable?: string | null;
  creates?: string | null;
  removes?: string | null;
  stdin?: string | null;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

/** Python's str(datetime.now()): local time, microseconds. */
export function pyNow(d: Date, micros: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(micros, 6)}`;
}

/** Python's str(timedelta) for a non-negative duration in microseconds: "0:00:01.250000", "0:00:00". */
export function pyDelta(us: number): string {
  const totalSec = Math.floor(us / 1e6);
  const frac = us % 1e6;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const base = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return frac ? `${base}.${String(frac).padStart(6, "0")}` : base;
}

function clock(): { text: string; us: number } {
  const ns = process.hrtime.bigint();
  const now = Date.now();
  const micros = Number(ns / 1000n) % 1000;
  const d = new Date(now);
  return { text: pyNow(d, d.getMilliseconds() * 1000 + micros), us: now * 1000 + micros };
}

/** A python bytes repr of a path for errno messages: b'/x'. */
function pyBytes(s: string): string {
  return s.includes("'") && !s.includes('"')
    ? `b"${s}"`
    : `b'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export async function runCommand(
  args: CommandArgs,
  ctx: ModuleContext,
  useShell: boolean,
): Promise<ModuleResult> {
  const r: ModuleResult = {
    changed: false,
    stdout: "",
    stderr: "",
    rc: null,
    cmd: null,
    start: null,
    end: null,
    delta: null,
    msg: "",
  };
  const fail = (rc: number, msg: string): ModuleResult => ({ ...r, rc, msg, failed: true });
  let executable = args.executable ?? undefined;
  if (!useShell && executable) {
    ctx.warn(
      `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${executable}'.`,
    );
    executable = undefined;
  }
  const raw = args._raw_params ?? undefined;
  const argv = args.argv ?? undefined;
  const badArgs = (msg: string) => new ModuleArgsError(msg, withLines({ ...r, rc: 256, msg }));
  if ((!raw || raw.trim() === "") && !argv?.length) throw badArgs("no command given");
  if (raw && argv?.length) throw badArgs("only command or argv can be given, not both");

  let words: string[] | undefined;
  if (!useShell && raw) {
    try {
      words = shlexSplit(raw);
    } catch (e) {
      if (e instanceof ShlexError) return withLines(fail(1, e.message));
      throw e;
    }
  } else if (!raw) words = argv;
  r.cmd = words ?? raw;

  const mark = nonce();
  const lines: string[] = [];
  if (args.chdir) {
    const d = pathWord(args.chdir);
    lines.push(
      `if ! cd -- ${d} 2>/dev/null; then if [ ! -e ${d} ]; then e=2; elif [ ! -d ${d} ]; then e=20; else e=13; fi; printf '%s %s' ${mark}chdir "$e"; exit 0; fi`,
    );
  }
  const check = (kind: "creates" | "removes", pattern: string) =>
    `_m=0; for _f in ${globWord(pattern)}; do if [ -e "$_f" ] || [ -L "$_f" ]; then _m=1; break; fi; done; ` +
    (kind === "creates" ? `[ $_m = 1 ]` : `[ $_m = 0 ]`) +
    ` && { printf '%s' ${mark}${kind}; exit 0; }`;
  if (args.creates) lines.push(check("creates", args.creates));
  if (args.removes) lines.push(check("removes", args.removes));
  if (!ctx.check) {
    if (useShell) {
      lines.push(`exec ${quote(executable ?? "/bin/sh")} -c ${quote(raw ?? (words ?? []).join(" "))}`);
    } else {
      const w = words!;
      lines.push(
        `command -v -- ${quote(w[0]!)} >/dev/null 2>&1 || { printf '%s' ${mark}missing; exit 0; }`,
        `exec ${w.map(quote).join(" ")}`,
      );
    }
  }

  const shoulda = ctx.check ? "Would" : "Did";
  const needExec = !ctx.check || args.chdir || args.creates || args.removes;
  let result: { rc: number; stdout: string; stderr: string } = { rc: 0, stdout: "", stderr: "" };
  const start = clock();
  if (needExec) {
    let stdin: string | undefined;
    if (args.stdin !== undefined && args.stdin !== null)
      stdin = args.stdin_add_newline ? `${args.stdin}\n` : args.stdin;
    result = await ctx.conn.exec(lines.join("\n"), {
      become: ctx.become,
      env: Object.keys(ctx.environment).length ? ctx.environment : undefined,
      ...(stdin !== undefined && !ctx.check ? { stdin } : {}),
    });
  }
  const end = clock();

  if (result.rc === 0 && result.stdout.startsWith(mark)) {
    const what = result.stdout.slice(mark.length);
    if (what.startsWith("chdir")) {
      const errno = what.split(" ")[1];
      const text =
        errno === "2"
          ? "No such file or directory"
          : errno === "20"
            ? "Not a directory"
            : "Permission denied";
      const msg = `Unable to change directory before execution: [Errno ${errno}] ${text}: ${pyBytes(args.chdir!)}`;
      return withLines({ ...r, failed: true, msg });
    }
    if (what === "creates")
      return withLines({
        ...r,
        rc: 0,
        msg: `${shoulda} not run command since '${args.creates}' exists`,
        stdout: `skipped, since ${args.creates} exists`,
      });
    if (what === "removes")
      return withLines({
        ...r,
        rc: 0,
        msg: `${shoulda} not run command since '${args.removes}' does not exist`,
        stdout: `skipped, since ${args.removes} does not exist`,
      });
    if (what === "missing") {
      return withLines({
        ...r,
        changed: false,
        failed: true,
        rc: 2,
        msg: `[Errno 2] No such file or directory: ${pyBytes(words![0]!)}`,
      });
    }
  }

  r.changed = true;
  if (ctx.check) {
    r.rc = 0;
    r.msg = "Command would have run if not in check mode";
    if (!args.creates && !args.removes) {
      r.skipped = true;
      r.changed = false;
    }
  } else {
    r.rc = result.rc;
    r.stdout = result.stdout;
    r.stderr = result.stderr;
    r.start = start.text;
    r.end = end.text;
    r.delta = pyDelta(Math.max(0, end.us - start.us));
  }
  if (args.strip_empty_ends) {
    r.stdout = (r.stdout as string).replace(/[\r\n]+$/, "");
    r.stderr = (r.stderr as string).replace(/[\r\n]+$/, "");
  }
  if (r.rc !== 0) {
    r.msg = "non-zero return code";
    r.failed = true;
  }
  return withLines(r);
}

/** Ansible's action base adds stdout_lines/stderr_lines to every result that has stdout/stderr. */
export function withLines(r: ModuleResult): ModuleResult {
  if (typeof r.stdout === "string") r.stdout_lines = splitlines(r.stdout);
  if (typeof r.stderr === "string") r.stderr_lines = splitlines(r.stderr);
  return r;
}
