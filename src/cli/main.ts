/**
 * `infra` entry point: builds the command tree and turns every InfraError into one paragraph on stderr with the
 * right exit code. Stack traces only appear with -vvvv (or INFRA_DEBUG=1), for bugs rather than user mistakes.
 */
import { Command, CommanderError } from "commander";
import { formatError, isInfraError, ExitCode } from "../util/errors.js";
import { registerApply } from "./commands/apply.js";
import { registerCheck } from "./commands/check.js";
import { registerDocs } from "./commands/docs.js";
import { registerLab } from "./commands/lab.js";
import { registerVault } from "./commands/vault.js";
import { packageVersion } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("infra")
    .description("Run Ansible-format playbooks over SSH, fast, and grade the result.")
    .version(packageVersion(), "--version", "print the version and exit")
    .showSuggestionAfterError(true)
    .exitOverride();
  registerApply(program);
  registerCheck(program);
  registerDocs(program);
  registerLab(program);
  registerVault(program);
  return program;
}

function debugWanted(argv: string[]): boolean {
  return process.env.INFRA_DEBUG === "1" || argv.some((a) => /^-v{4,}$/.test(a));
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return e.exitCode === 0 ? 0 : ExitCode.options;
    }
    if (isInfraError(e)) {
      process.stderr.write(`ERROR! ${formatError(e)}\n`);
      if (debugWanted(argv) && e.stack) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`ERROR! Unexpected internal error: ${err?.message ?? String(e)}\n`);
    if (debugWanted(argv) && err?.stack) process.stderr.write(`${err.stack}\n`);
    else
      process.stderr.write(
        "Run again with -vvvv (or INFRA_DEBUG=1) for the stack trace, and please report it.\n",
      );
    return 250;
  }
}
