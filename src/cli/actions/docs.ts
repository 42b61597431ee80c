/** `infra docs`: renders a document from the repository, or compares it with the committed file (--check). */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { compareDocument, loadDocModel, renderDocument, type DocOptions } from "../../docs/index.js";

export interface DocsFlags {
  out?: string;
  check?: boolean;
  playbook?: string;
  inventory?: string[];
  zone?: string;
  vaultPasswordFile?: string[];
}

/** Exit code of `--check` when the document is missing or out of date. */
export const STALE = 1;

export async function renderCommand(template: string, flags: DocsFlags): Promise<number> {
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
