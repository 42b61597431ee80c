/**
 * The shell scripts behind exec, put and get. Each operation is one script run by /bin/sh on the host, so each
 * costs one round trip whatever it does (write, chmod, chown, rename).
 */
import { posix } from "node:path";
import { InfraError } from "../util/errors.js";
import { exportLines, shellPath, shellQuote } from "./shell-words.js";
import type { ExecOptions, PutOptions } from "./types.js";

/** The script for exec: environment, working directory, then the command (in opts.shell when one is given). */
export function execScript(command: string, opts: Pick<ExecOptions, "env" | "cwd" | "shell"> = {}): string {
  let script = exportLines(opts.env);
  if (opts.cwd !== undefined) script += `cd -- ${shellPath(opts.cwd)} || exit 1\n`;
  script += opts.shell ? `exec ${shellQuote(opts.shell)} -c ${shellQuote(command)}` : command;
  return script;
}

const OCTAL_MODE = /^0?[0-7]{3,4}$/;
const SYMBOLIC_MODE = /^[ugoa]*[-+=][rwxXstugo]*(,[ugoa]*[-+=][rwxXstugo]*)*$/;

function checkMode(mode: string): void {
  if (!OCTAL_MODE.test(mode) && !SYMBOLIC_MODE.test(mode)) {
    throw new InfraError(`invalid file mode ${JSON.stringify(mode)}`, {
      hint: 'Give an octal mode in quotes ("0644") or a symbolic one ("u=rw,g=r,o=r").',
    });
  }
}

/**
 * Atomic write, content on stdin: mktemp in the destination's directory (so rename(2) stays on one file system),
 * copy the old file's mode and owner when there is one (as Ansible's atomic_move does), apply the requested
 * mode/owner/group to the temp file, then rename it over the destination. A reader sees the old file or the new
 * one, never a partial one. With the content's size given, a transfer cut short is never renamed into place.
 * The trap removes the temp file when any step fails.
 */
export function putScript(
  path: string,
  opts: Pick<PutOptions, "mode" | "owner" | "group"> = {},
  size?: number,
): string {
  if (path === "" || path.endsWith("/"))
    throw new InfraError(`put: ${JSON.stringify(path)} is not a file path`);
  const template = posix.join(posix.dirname(path), `.${posix.basename(path)}.infra-XXXXXXXX`);
  // Assignments expand a leading ~ (to the home of the user running the script); "$dest" is safe everywhere after.
  const lines = [
    `dest=${shellPath(path)}`,
    `tmp=$(mktemp -- ${shellPath(template)}) || exit 1`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    `cat >"$tmp" || exit 1`,
    // A connection lost mid-transfer ends stdin early and cat succeeds: without this check the cut-off content
    // would be renamed over the file (seen when a host froze or sshd died during a run).
    ...(size === undefined
      ? []
      : [
          `[ "$(wc -c <"$tmp")" -eq ${size} ] || { echo "short write: the content was cut off" >&2; exit 1; }`,
        ]),
    `if [ -e "$dest" ]; then`,
    `  chmod --reference="$dest" -- "$tmp" || exit 1`,
    `  chown --reference="$dest" -- "$tmp" 2>/dev/null || :`,
    `else`,
    `  chmod -- "$(printf %o $((0666 & ~0$(umask))))" "$tmp" || exit 1`,
    `fi`,
  ];
  if (opts.mode !== undefined) {
    checkMode(opts.mode);
    lines.push(`chmod -- ${shellQuote(opts.mode)} "$tmp" || exit 1`);
  }
  if (opts.owner !== undefined || opts.group !== undefined) {
    const spec = (opts.owner ?? "") + (opts.group !== undefined ? `:${opts.group}` : "");
    lines.push(`chown -- ${shellQuote(spec)} "$tmp" || exit 1`);
  }
  // -T: never move *into* a directory that happens to sit at the destination path.
  lines.push(`mv -fT -- "$tmp" "$dest" || exit 1`, `trap - EXIT`);
  return lines.join("\n");
}

export function getScript(path: string): string {
  return `exec cat -- ${shellPath(path)}`;
}
