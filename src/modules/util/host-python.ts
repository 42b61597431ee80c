/**
 * Modules that must act from the target host itself (uri, wait_for: the request or the socket has to start there,
 * as Ansible runs them there) send a short Python program to the host's python3 and read one JSON answer back.
 * The parameters travel on stdin, never in the command line (a uri password stays out of `ps`).
 */
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "./failure.js";
import { quote } from "./shell.js";

export async function runHostPython(
  ctx: ModuleContext,
  program: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const script = `command -v python3 >/dev/null 2>&1 || { echo '{"__nopython": true}'; exit 0; }\nexec python3 -c ${quote(program)}`;
  const r = await ctx.conn.exec(script, { become: ctx.become, stdin: JSON.stringify(params) });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  let out: Record<string, unknown>;
  try {
    out = JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new ModuleFailure(
      `the helper on ${ctx.host} did not answer: ${(r.stderr || r.stdout).trim() || `rc ${r.rc}`}`,
    );
  }
  if (out.__nopython)
    throw new ModuleFailure(`python3 is needed on ${ctx.host} for this module (Ansible needs it too)`);
  return out;
}
