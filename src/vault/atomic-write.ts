/**
 * Writes a vault or plaintext file in one step: a private (0600) temporary file next to the target, renamed over
 * it, so an interrupted run never leaves half a file and a decrypted secret is never world-readable. Symlinks are
 * followed so the link survives, as ansible-vault does.
 */
import { closeSync, openSync, realpathSync, renameSync, rmSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { InfraError } from "../util/errors.js";

export function resolveTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file; // a new --output file does not exist yet
  }
}

export function writeFileAtomic(file: string, data: Buffer | string): void {
  const target = resolveTarget(file);
  const tmp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InfraError(`Could not write ${file}: ${(e as Error).message}`);
  }
}
