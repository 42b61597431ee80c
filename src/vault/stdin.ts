/** All of stdin, for `infra vault` commands given `-` or no file (kept apart so tests can feed it). */
import { readFileSync } from "node:fs";

export function readAllStdin(): Buffer {
  return readFileSync(0);
}
