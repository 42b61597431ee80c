/**
 * A stand-in `sudo` for tests on machines without sudo (or without root): it speaks sudo's -S/-p/-n protocol on
 * stdin/stderr, checks FAKE_SUDO_PASSWORD, and runs the command with FAKE_SUDO_USER set to the -u user.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = `#!/bin/sh
prompt="[sudo] password: "; nonint=0; user=root
while [ $# -gt 0 ]; do
  case "$1" in
    -p) prompt=$2; shift 2 ;;
    -u) user=$2; shift 2 ;;
    --) shift; break ;;
    -*) case "$1" in *n*) nonint=1 ;; esac; shift ;;
    *) break ;;
  esac
done
echo "$*" >>"$FAKE_SUDO_LOG"
if [ -n "$FAKE_SUDO_PASSWORD" ]; then
  if [ $nonint = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi
  tries=0
  while :; do
    printf '%s' "$prompt" >&2
    IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
    [ "$pw" = "$FAKE_SUDO_PASSWORD" ] && break
    tries=$((tries + 1))
    if [ $tries -ge 3 ]; then echo "sudo: 3 incorrect password attempts" >&2; exit 1; fi
    echo "Sorry, try again." >&2
  done
fi
if [ "$user" = nosuch ]; then echo "sudo: unknown user nosuch" >&2; exit 1; fi
FAKE_SUDO_USER=$user exec "$@"
`;

/** A directory holding `sudo`, to put first on PATH, and the log file of the command lines it was given. */
export function fakeSudo(): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), "infra-fake-sudo-"));
  writeFileSync(join(dir, "sudo"), SCRIPT);
  chmodSync(join(dir, "sudo"), 0o755);
  return { dir, log: join(dir, "argv.log") };
}
