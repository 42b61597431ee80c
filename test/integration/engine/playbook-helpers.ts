/** Small playbooks written to a temporary folder and run with `infra apply` against the lab inventory. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { lab } from "../lab-helpers.js";
import { infra, recap } from "./course-helpers.js";

export interface PlayRun {
  code: number;
  stdout: string;
  stderr: string;
  recap: Record<string, Record<string, number>>;
  dir: string;
}

/** Writes `files` (path → text) into a new folder, with `site.yml` as the playbook, and runs it. */
export async function play(
  files: Record<string, string>,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<PlayRun> {
  const dir = mkdtempSync(join(tmpdir(), "infra-play-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = await infra(dir, ["apply", "-i", lab().inventory, "site.yml", ...args], env);
  return { ...r, recap: recap(r.stdout), dir };
}

/** Lines of debug `msg` output, in order: `ok: [host] => {"msg": "..."}` collapsed to "host: msg". */
export function debugMessages(stdout: string): string[] {
  const out: string[] = [];
  const re = /^ok: \[([^\]]+)\](?: => \(item=[^)]*\))? => \{\n\s+"msg": (".*")\n\}/gm;
  for (const m of stdout.matchAll(re)) out.push(`${m[1]}: ${JSON.parse(m[2]!)}`);
  return out;
}

/**
 * The listing with each play's host lines sorted: Ansible walks a YAML inventory's child groups through Python
 * sets, so its host order changes from run to run (hash seed).
 */
export function hostsSorted(stdout: string): string {
  return stdout
    .trim()
    .split(/\n(?= {2}play #)/)
    .map((block) => {
      const lines = block.split("\n");
      const hosts = lines.filter((l) => /^ {6}\S/.test(l) && !/^ {6}(tasks|TASK TAGS)/.test(l));
      if (!/hosts \(\d+\):/.test(block)) return block;
      return [...lines.filter((l) => !hosts.includes(l)), ...hosts.sort()].join("\n");
    })
    .join("\n");
}
