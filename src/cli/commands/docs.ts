/**
 * `infra docs`: writes backup_restore.md (and with `sla`, a first backup_sla.md) from what the repository
 * configures; `--check` exits 1 with a diff when the committed file differs from what would be rendered.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode, InfraError } from "../../util/errors.js";
import { compareDocument, loadDocModel, renderDocument, type DocOptions } from "../../docs/index.js";

interface DocsFlags {
  out?: string;
  check?: boolean;
  playbook?: string;
  inventory?: string[];
  zone?: string;
  vaultPasswordFile?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Exit code of `--check` when the document is missing or out of date. */
export const STALE = 1;

async function renderCommand(template: string, flags: DocsFlags): Promise<number> {
  const opts: DocOptions = {
    playbook: flags.playbook,
    inventory: flags.inventory,
    zone: flags.zone,
    vaultPasswordFiles: flags.vaultPasswordFile,
  };
  const { model, tracker } = await loadDocModel(opts);
  const text = renderDocument(template, model, tracker);
  const out = flags.out ?? template;
  if (flags.check) {
    if (out === "-") {
      process.stderr.write("docs: --check compares with a file; give --out FILE\n");
      return STALE;
    }
    const state = compareDocument(resolve(out), out, text);
    if (state.upToDate) {
      process.stdout.write(`${out} is up to date\n`);
      return 0;
    }
    if (state.missing) process.stderr.write(`docs: ${out} does not exist; run \`infra docs\` to write it\n`);
    else {
      process.stdout.write(state.diff);
      process.stderr.write(`docs: ${out} is out of date; run \`infra docs\` and commit the result\n`);
    }
    return STALE;
  }
  if (out === "-") process.stdout.write(text);
  else {
    writeFileSync(resolve(out), text);
    process.stdout.write(`wrote ${out}\n`);
  }
  return 0;
}

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
      process.exitCode = await renderCommand(template, flags);
    });
}
