/**
 * Runs `infra …` in this process through the CLI's own entry (`main`), capturing what it writes and its exit code.
 * Much faster than a process per case; the working directory is switched for the call, so calls must not overlap.
 */
import { main } from "../../../src/cli/main.js";

export interface CliResult {
  code: number | "hang";
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], cwd: string, timeoutMs = 30_000): Promise<CliResult> {
  const out = { stdout: "", stderr: "" };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (key: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      out[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  const before = process.cwd();
  const env = { NOCOLOR: process.env.ANSIBLE_NOCOLOR, DEBUG: process.env.INFRA_DEBUG };
  process.env.ANSIBLE_NOCOLOR = "1";
  delete process.env.INFRA_DEBUG;
  process.exitCode = undefined;
  process.stdout.write = capture("stdout");
  process.stderr.write = capture("stderr");
  let timer: NodeJS.Timeout | undefined;
  try {
    process.chdir(cwd);
    const hang = new Promise<"hang">((res) => (timer = setTimeout(() => res("hang"), timeoutMs)));
    const code = await Promise.race([main(args), hang]);
    return { code, ...out };
  } finally {
    clearTimeout(timer);
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.chdir(before);
    process.exitCode = undefined;
    if (env.NOCOLOR === undefined) delete process.env.ANSIBLE_NOCOLOR;
    else process.env.ANSIBLE_NOCOLOR = env.NOCOLOR;
    if (env.DEBUG !== undefined) process.env.INFRA_DEBUG = env.DEBUG;
  }
}
