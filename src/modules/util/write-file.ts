/**
 * The write step of copy/template as one script: back up the old file (optional), write the new content (from
 * stdin, or from a file on the host for remote_src) to a temp file in the destination's directory, give it the
 * final mode and owner, run `validate` on it, and rename it over the destination. It ends by printing the new
 * stat, so a change costs one round trip. A failed validation leaves the destination untouched.
 */
import { posix } from "node:path";
import { shlexSplit } from "../../inventory/python-shlex.js";
import { ModuleFailure } from "./failure.js";
import { pathWord, quote } from "./shell.js";

export interface WriteOptions {
  /** Final permission bits, already resolved. */
  mode: number;
  uid?: number;
  gid?: number;
  /** Keep the existing owner/group (an existing destination, as atomic_move does). */
  keepOwner: boolean;
  backup: boolean;
  validate?: string;
  /** Read the content from this host path instead of stdin (remote_src). */
  remoteSrc?: string;
}

const HOLE = "\u0000TMP\u0000";

/** The validate command with %s standing for the temp file, each word quoted, as run_command(validate % src) runs it. */
export function validateCommand(validate: string): string {
  if (!validate.includes("%s")) throw new ModuleFailure(`validate must contain %s: ${validate}`);
  const text = validate
    .split("%%")
    .map((part) => part.replace(/%s/g, HOLE))
    .join("%");
  return shlexSplit(text)
    .map((w) =>
      w
        .split(HOLE)
        .map(quote)
        .join('"$tmp"')
        .replace(/^''"\$tmp"/, '"$tmp"')
        .replace(/"\$tmp"''$/, '"$tmp"'),
    )
    .join(" ");
}

export function writeScript(dest: string, o: WriteOptions): string {
  const d = pathWord(dest);
  const dir = posix.dirname(dest);
  const tmpl = pathWord(posix.join(dir, `.${posix.basename(dest)}.infra-XXXXXXXX`));
  const lines = [`tmp=$(mktemp -- ${tmpl}) || exit 1`, `trap 'rm -f -- "$tmp"' EXIT`];
  if (o.backup) {
    lines.push(
      `if [ -e ${d} ]; then b=${d}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${d} "$b" || exit 1; echo "B $b"; else echo B; fi`,
    );
  }
  lines.push(
    o.remoteSrc !== undefined ? `cat -- ${pathWord(o.remoteSrc)} >"$tmp" || exit 1` : `cat >"$tmp" || exit 1`,
  );
  if (o.keepOwner) lines.push(`chown --reference=${d} -- "$tmp" 2>/dev/null || :`);
  if (o.uid !== undefined) lines.push(`chown ${o.uid} -- "$tmp" || exit 1`);
  if (o.gid !== undefined) lines.push(`chgrp ${o.gid} -- "$tmp" || exit 1`);
  lines.push(`chmod ${o.mode.toString(8).padStart(4, "0")} -- "$tmp" || exit 1`);
  if (o.validate !== undefined) {
    const cmd = validateCommand(o.validate);
    lines.push(
      `_ve=$(mktemp) || exit 1`,
      `_vo=$(${cmd} 2>"$_ve"); _vr=$?`,
      `if [ $_vr -ne 0 ]; then printf 'V %s\\n' "$_vr"; printf '%s' "$_vo" | od -An -tx1 | tr -d ' \\n'; echo; od -An -tx1 <"$_ve" | tr -d ' \\n'; echo; rm -f -- "$_ve"; exit 0; fi`,
      `rm -f -- "$_ve"`,
    );
  }
  lines.push(`mv -fT -- "$tmp" ${d} || exit 1`, `trap - EXIT`, `_s ${d}`);
  return lines.join("\n");
}

export interface WriteOutcome {
  backupFile?: string;
  statLine: string;
  validation?: { rc: number; stdout: string; stderr: string };
}

export function parseWriteOutput(stdout: string, backup: boolean): WriteOutcome {
  const lines = stdout.split("\n");
  const out: WriteOutcome = { statLine: "" };
  if (backup) {
    const b = lines.shift() ?? "";
    if (b.startsWith("B ")) out.backupFile = b.slice(2);
  }
  if (lines[0]?.startsWith("V ")) {
    const hex = (h: string | undefined) => Buffer.from(h ?? "", "hex").toString("utf8");
    out.validation = { rc: Number(lines[0].slice(2)), stdout: hex(lines[1]), stderr: hex(lines[2]) };
    return out;
  }
  out.statLine = lines[0] ?? "";
  return out;
}
