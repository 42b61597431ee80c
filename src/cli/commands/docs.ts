/**
 * `infra docs`: writes backup_restore.md (and with `sla`, a first backup_sla.md) from what the repository
 * configures; `--check` exits 1 with a diff when the committed file differs from what would be rendered.
 */
import type { Command } from "commander";
import { ExitCode, InfraError } from "../../util/errors.js";
import type { DocsFlags } from "../actions/docs.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The documents by the name given on the command line; the first is the default. */
const DOCUMENTS: Record<string, string> = { restore: "backup_restore.md", sla: "backup_sla.md" };

export function registerDocs(program: Command): void {
  program
    .command("docs")
    .description(
      "render backup_restore.md (or with `sla`, a first backup_sla.md) from the playbook, roles, inventory and variables",
    )
    .argument("[document]", `which document: ${Object.keys(DOCUMENTS).join(" or ")}`, "restore")
    .option(
      "--out <file>",
      `where to write it ("-" for stdout; default: ${Object.values(DOCUMENTS).join(" or ")})`,
    )
    .option("--check", "do not write: exit 1 with a diff when the file differs from what would be rendered")
    .option("--playbook <file>", "the playbook (default: infra.yaml, else playbooks/infra.yaml)")
    .option("-i, --inventory <path>", "inventory (default: ansible.cfg's)", collect)
    .option(
      "--zone <tz>",
      "the readers' time zone (default: variable backup_local_zone, else Europe/Tallinn)",
    )
    .option("--vault-password-file <file>", "vault password file (default: ansible.cfg's)", collect)
    .action(async (document: string, flags: DocsFlags) => {
      const template = DOCUMENTS[document];
      if (!template)
        throw new InfraError(`unknown document "${document}"`, {
          hint: `infra docs writes ${Object.entries(DOCUMENTS)
            .map(([k, v]) => `${v} (${k})`)
            .join(" or ")}.`,
          exitCode: ExitCode.options,
        });
      const { renderCommand } = await import("../actions/docs.js");
      process.exitCode = await renderCommand(template, flags);
    });
}
