/**
 * Where a user's control master listens, and how to start one. The socket sits in a directory only its owner can
 * enter (like ssh's ControlPath under ~/.ssh): whoever can connect to it can run commands as every host's login
 * user. Its name carries the build, so a rebuilt or upgraded infra starts a master of its own and never speaks an
 * older protocol; the old one exits when its ControlPersist runs out.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The launcher and the bundle it runs, found from this module like the repository's other files. */
const LAUNCHER = fileURLToPath(new URL("../../bin/infra.js", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../../dist/bundle/infra.cjs", import.meta.url));

/** The argument that makes the launcher a control master instead of the CLI (src/cli/run.ts). */
export const MASTER_ARG = "__control-master";

/** The socket path for this user and build; undefined where no safe one exists (then runs connect directly). */
export function controlSocketPath(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  let build: string;
  try {
    const bundle = statSync(BUNDLE);
    statSync(LAUNCHER);
    build = `${BUNDLE}\0${bundle.size}\0${bundle.mtimeMs}\0${process.version}`;
  } catch {
    return undefined; // not built: nothing to start a master with
  }
  const dir = join(process.env.XDG_RUNTIME_DIR || tmpdir(), `infra-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700, recursive: true });
    const st = lstatSync(dir);
    // Someone else's directory, a link, or one others may enter: not a place for our socket.
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  const id = createHash("sha256").update(build).digest("hex").slice(0, 16);
  return join(dir, `cm-${id}.sock`);
}

/** The program and arguments that start a master on `socket`. */
export function masterCommand(socket: string, persistS: number): { file: string; args: string[] } {
  return { file: process.execPath, args: [LAUNCHER, MASTER_ARG, socket, String(persistS)] };
}
