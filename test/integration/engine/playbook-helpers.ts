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
