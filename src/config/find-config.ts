/**
 * Which ansible.cfg applies, in Ansible's order (the first that exists and is readable wins): `$ANSIBLE_CONFIG`
 * (a file, or a directory holding ansible.cfg), `./ansible.cfg` — ignored with a warning when the current directory
 * is world-writable, since anyone could plant one there — then `~/.ansible.cfg`, then `/etc/ansible/ansible.cfg`.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { unfrackPath } from "../inventory/inventory.js";

export interface FoundConfig {
  file: string | null;
  warnings: string[];
}

export function findConfigFile(cwd: string, env: Record<string, string | undefined>): FoundConfig {
  const warnings: string[] = [];
  const candidates: string[] = [];
  let fromEnv: string | undefined;
  if (env.ANSIBLE_CONFIG !== undefined) {
    fromEnv = unfrackPath(env.ANSIBLE_CONFIG, cwd, env);
    if (isDir(fromEnv)) fromEnv = join(fromEnv, "ansible.cfg");
    candidates.push(fromEnv);
  }
  let worldWritableCfg = false;
  try {
    const cwdCfg = join(cwd, "ansible.cfg");
    if (statSync(cwd).mode & constants.S_IWOTH) worldWritableCfg = existsSync(cwdCfg);
    else candidates.push(cwdCfg);
  } catch {
    // an unreadable cwd simply has no ansible.cfg for us
  }
  candidates.push(unfrackPath("~/.ansible.cfg", cwd, env), "/etc/ansible/ansible.cfg");
  const file = candidates.find(readable) ?? null;
  if (worldWritableCfg && file !== fromEnv) {
    warnings.push(
      `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`,
    );
  }
  return { file, warnings };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
