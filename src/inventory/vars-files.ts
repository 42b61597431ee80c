/**
 * `group_vars/` and `host_vars/` beside each inventory source and beside the playbook, and the order Ansible 2.14
 * layers them with the inventory's own variables (`hash_behaviour = replace`: a later layer replaces a whole
 * top-level key, dictionaries are not merged). Lowest to highest:
 *
 *   1. `all` vars written in the inventory          5. inventory `group_vars/<group>` (groups in precedence order)
 *   2. other groups' vars in the inventory          6. playbook `group_vars/<group>`
 *      (by depth, then ansible_group_priority,      7. the host's vars in the inventory (+ inventory_hostname, …)
 *      then name)                                   8. inventory `host_vars/<host>`
 *   3. inventory `group_vars/all`                   9. playbook `host_vars/<host>`
 *   4. playbook `group_vars/all`
 *
 * A vars entry for NAME is the file `NAME`, `NAME.yml`, `NAME.yaml` or `NAME.json` (the first that exists), or a
 * directory `NAME/` whose files (recursively, hidden and `~` backups skipped) are merged in name order.
 * `!vault` values stay VaultString; decrypting is somebody else's job.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { dirname, extname, join, sep } from "node:path";
import { ExitCode, InfraError } from "../util/errors.js";
import { locationOf, parseYaml, readYamlFile } from "../util/yaml.js";
import { registerSecretValues } from "../vault/censor.js";
import { isVaultText } from "../vault/envelope.js";
import { readMaybeVaultedFile } from "../vault/vaulted-file.js";
import type { VaultSecrets } from "../vault/secrets.js";
import { hostMagicVars } from "./magic-vars.js";
import { pySort, type Group, type Host, type Inventory, type Vars } from "./model.js";

const VARS_EXTENSIONS = [".yml", ".yaml", ".json"];

export interface HostVarsOptions {
  /** The directory of the playbook being run; its group_vars/ and host_vars/ apply too. */
  playbookDir?: string;
  /** Vault secrets for vars files that are encrypted whole (`$ANSIBLE_VAULT;…` files under group_vars/). */
  secrets?: VaultSecrets;
}

/** Parsed vars files, read once per inventory (several hosts share the same group files). */
const fileCache = new WeakMap<Inventory, Map<string, Vars>>();

/** Ansible's combine_vars with hash_behaviour=replace. */
function combine(a: Vars, b: Vars): Vars {
  return { ...a, ...b };
}

/** Groups in the order their variables are layered: depth, then ansible_group_priority, then name. */
export function sortGroups(groups: Group[]): Group[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || pySort(a.name, b.name));
}

/** The directories whose group_vars/ and host_vars/ belong to the inventory: each source's own folder. */
export function inventoryVarsDirs(inventory: Inventory): string[] {
  const dirs: string[] = [];
  for (const source of inventory.sources) {
    if (source.includes(",") && !existsSync(source)) continue; // a host list has no folder
    dirs.push(existsSync(source) && statSync(source).isDirectory() ? source : dirname(source));
  }
  return dirs;
}

/** The variables every host gets from the inventory layers, merged with Ansible's precedence. */
export function hostInventoryVars(
  inventory: Inventory,
  host: Host | string,
  opts: HostVarsOptions = {},
): Vars {
  const h = typeof host === "string" ? inventory.getHost(host) : host;
  if (!h) {
    throw new InfraError(`host ${String(host)} is not in the inventory`, {
      hint: "Check the host name against `infra inventory --list`.",
      exitCode: ExitCode.options,
    });
  }
  const all = inventory.groups.get("all")!;
  const groups = sortGroups(h.groups.filter((g) => g.name !== "all"));
  const invDirs = inventoryVarsDirs(inventory);
  const playDirs = opts.playbookDir ? [opts.playbookDir] : [];
  const load = (dirs: string[], sub: "group_vars" | "host_vars", names: string[]): Vars => {
    let out: Vars = {};
    for (const dir of dirs)
      for (const name of names) out = combine(out, varsFor(inventory, dir, sub, name, opts.secrets));
    return out;
  };
  const groupNamesSorted = groups.map((g) => g.name);

  let vars: Vars = { ...all.vars };
  for (const g of groups) vars = combine(vars, g.vars);
  vars = combine(vars, load(invDirs, "group_vars", ["all"]));
  vars = combine(vars, load(playDirs, "group_vars", ["all"]));
  vars = combine(vars, load(invDirs, "group_vars", groupNamesSorted));
  vars = combine(vars, load(playDirs, "group_vars", groupNamesSorted));
  vars = combine(vars, combine(h.vars, hostMagicVars(h)));
  vars = combine(vars, load(invDirs, "host_vars", [h.name]));
  vars = combine(vars, load(playDirs, "host_vars", [h.name]));
  return vars;
}

/** The merged contents of `<dir>/<sub>/<name>[.yml|.yaml|.json]` or `<dir>/<sub>/<name>/…`, or {} if none. */
export function varsFor(
  inventory: Inventory,
  dir: string,
  sub: string,
  name: string,
  secrets?: VaultSecrets,
): Vars {
  if (name.startsWith(sep)) return {};
  let base: string;
  try {
    base = realpathSync(join(dir, sub));
  } catch {
    return {};
  }
  if (!statSync(base).isDirectory()) {
    inventory.warnings.push(`Found ${sub} that is not a directory, skipping: ${base}`);
    return {};
  }
  let out: Vars = {};
  for (const file of findVarsFiles(base, name)) out = combine(out, loadVarsFile(inventory, file, secrets));
  return out;
}

/** Ansible's DataLoader.find_vars_files: the first of NAME, NAME.yml, NAME.yaml, NAME.json; a directory expands. */
export function findVarsFiles(path: string, name: string): string[] {
  const base = join(path, name);
  for (const ext of ["", ...VARS_EXTENSIONS]) {
    const full = base + ext;
    if (!existsSync(full)) continue;
    return statSync(full).isDirectory() ? dirVarsFiles(full) : [full];
  }
  return [];
}

function dirVarsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort(pySort)) {
    if (entry.startsWith(".") || entry.endsWith("~")) continue;
    const ext = extname(entry);
    const full = join(dir, entry);
    const st = statSync(full);
    if (st.isDirectory() && !ext) found.push(...dirVarsFiles(full));
    else if (st.isFile() && (!ext || VARS_EXTENSIONS.includes(ext))) found.push(full);
  }
  return found;
}

function loadVarsFile(inventory: Inventory, file: string, secrets?: VaultSecrets): Vars {
  let cache = fileCache.get(inventory);
  if (!cache) fileCache.set(inventory, (cache = new Map()));
  const cached = cache.get(file);
  if (cached) return cached;
  // Ansible opens a file encrypted whole transparently; without secrets this names the file.
  const data = (isVaultFile(file) ? parseVaulted(file, secrets) : readYamlFile(file)).documents[0] ?? null;
  let vars: Vars = {};
  // Ansible skips empty files (and anything else that is "falsy", like [] or "").
  if (
    data !== null &&
    data !== false &&
    data !== 0 &&
    data !== "" &&
    !(Array.isArray(data) && !data.length)
  ) {
    if (typeof data !== "object" || Array.isArray(data) || Object.getPrototypeOf(data) !== Object.prototype) {
      throw new InfraError(
        `failed to combine variables, expected dicts but got a 'dict' and a '${Array.isArray(data) ? "list" : typeof data === "string" ? "str" : typeof data}'`,
        {
          location: locationOf(data) ?? { file, line: 1, column: 1 },
          hint: "A group_vars/host_vars file must be a mapping of `name: value` lines.",
          exitCode: ExitCode.parse,
        },
      );
    }
    vars = data as Vars;
  }
  cache.set(file, vars);
  return vars;
}

/** Whether a file starts with the vault header (read only its first bytes). */
function isVaultFile(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(14);
    return isVaultText(head.subarray(0, readSync(fd, head, 0, 14, 0)));
  } finally {
    closeSync(fd);
  }
}

/** A decrypted vars file's YAML; an error in it names the file but never quotes the plaintext. */
function parseVaulted(file: string, secrets?: VaultSecrets): ReturnType<typeof parseYaml> {
  const { text } = readMaybeVaultedFile(file, secrets);
  try {
    const parsed = parseYaml(text, file);
    registerSecretValues(parsed.documents[0]);
    return parsed;
  } catch (e) {
    if (!(e instanceof InfraError)) throw e;
    throw new InfraError(`${file}: the decrypted vars file is not valid YAML`, {
      location: { file },
      hint: "Fix it with `ansible-vault edit` (or `infra vault decrypt`, edit, encrypt).",
      exitCode: ExitCode.parse,
    });
  }
}
