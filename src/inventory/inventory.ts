/**
 * `loadInventory(["hosts.ini", "inventories/prod/", "web1,web2,"])`: read every `-i` source like Ansible 2.14 does
 * with its default plugins — a comma list of hosts, a YAML inventory (`.yml`, `.yaml`, `.json`, or no extension
 * with YAML content), an INI inventory (anything else), or a directory of them read in name order (skipping
 * `group_vars/`, `host_vars/`, hidden files and `.ini`/`.cfg`/`.retry`/`.md`/`.txt`… files, exactly Ansible's
 * ignore list). Unlike Ansible, which warns and carries on with an empty inventory, a source that is missing or
 * cannot be read is an error: running a playbook against no hosts because of a typo helps nobody.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { homedir } from "node:os";
import { ExitCode, InfraError } from "../util/errors.js";
import { parseYaml } from "../util/yaml.js";
import { parseIniInventory } from "./ini.js";
import { AddressError, parseAddress } from "./host-address.js";
import { Inventory } from "./model.js";
import { parseYamlInventory } from "./yaml-inventory.js";

export interface LoadInventoryOptions {
  /** Directory relative sources are resolved against (default: process.cwd()). */
  cwd?: string;
  /** Environment for `$VAR` and `~` in source paths (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** Ansible's default when nothing is configured; a missing one is silently fine. */
export const DEFAULT_INVENTORY = "/etc/ansible/hosts";

const REJECT_EXTS = [
  ".pyc",
  ".pyo",
  ".swp",
  ".bak",
  "~",
  ".rpm",
  ".md",
  ".txt",
  ".rst",
  ".orig",
  ".ini",
  ".cfg",
  ".retry",
];
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;
const YAML_EXTS = [".yml", ".yaml", ".json"];

export function loadInventory(sources: string[], opts: LoadInventoryOptions = {}): Inventory {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const inventory = new Inventory();
  for (const raw of sources) {
    if (!raw) continue;
    const source = raw.includes(",") ? raw : unfrackPath(raw, cwd, env);
    inventory.sources.push(source);
    if (raw.includes(",") && !existsSync(source)) {
      parseHostList(inventory, source);
      continue;
    }
    if (!existsSync(source)) {
      if (source === DEFAULT_INVENTORY) continue;
      throw new InfraError(`inventory source not found: ${raw}`, {
        location: { file: source },
        hint: "Check the -i path (or `inventory` in ansible.cfg); list hosts inline as -i host1,host2, (note the comma).",
        exitCode: ExitCode.options,
      });
    }
    parseSource(inventory, source);
  }
  inventory.reconcile();
  return inventory;
}

/** Ansible's unfrackpath: `$VARS` and `~` expanded, made absolute against cwd, normalised, symlinks kept. */
export function unfrackPath(path: string, cwd: string, env: Record<string, string | undefined>): string {
  let p = path.replace(
    /\$(\w+)|\$\{(\w+)\}/g,
    (m, a: string | undefined, b: string | undefined) => env[a ?? b!] ?? m,
  );
  if (p === "~" || p.startsWith("~/")) p = join(env.HOME ?? homedir(), p.slice(1));
  return isAbsolute(p) ? resolve(p) : resolve(cwd, p);
}

function parseSource(inventory: Inventory, source: string): void {
  if (statSync(source).isDirectory()) {
    for (const name of readdirSync(source).sort()) {
      if (IGNORED_NAMES.test(name) || REJECT_EXTS.some((ext) => name.endsWith(ext))) continue;
      parseSource(inventory, join(source, name));
    }
    return;
  }
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (e) {
    throw new InfraError(
      `cannot read inventory ${source}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      {
        location: { file: source },
        hint: "Check that the file is readable.",
        exitCode: ExitCode.parse,
      },
    );
  }
  if (text.startsWith("#!")) {
    throw new InfraError("dynamic inventory scripts are not supported", {
      location: { file: source, line: 1, column: 1 },
      hint: "Run the script yourself and save its hosts as a YAML or INI inventory.",
      exitCode: ExitCode.parse,
    });
  }
  inventory.currentSource = { file: source, dir: dirname(source) };
  try {
    parseFile(inventory, source, text);
  } finally {
    inventory.currentSource = undefined;
  }
}

/**
 * Ansible tries its yaml plugin (for .yml/.yaml/.json and extension-less files), then its ini plugin. So an empty
 * YAML file is an empty inventory, and a file that is not a YAML mapping is read as INI; if that fails too, the
 * YAML complaint is the one that helps for a .yml file.
 */
function parseFile(inventory: Inventory, file: string, text: string): void {
  const ext = extname(basename(file));
  if (ext !== "" && !YAML_EXTS.includes(ext)) return parseIniInventory(inventory, text, file);
  let yamlError: unknown;
  try {
    const data = parseYaml(text, file).documents[0] ?? null;
    const isMapping = typeof data === "object" && data !== null && !Array.isArray(data);
    if (isMapping && Object.keys(data).length > 0) return parseYamlInventory(inventory, data, file);
    if (data !== null && !isMapping) parseYamlInventory(new Inventory(), data, file); // throws its structure error
  } catch (e) {
    if (!(e instanceof InfraError)) throw e;
    yamlError = e;
  }
  try {
    parseIniInventory(inventory, text, file);
  } catch (iniError) {
    throw ext !== "" && yamlError !== undefined ? yamlError : iniError;
  }
}

/** `-i web1,web2:2222,` — each entry a host in `ungrouped`; ranges are not expanded here (same as Ansible). */
function parseHostList(inventory: Inventory, list: string): void {
  inventory.currentSource = { file: list, dir: "None" }; // Ansible's basedir() of a non-path prints as None
  try {
    for (const entry of list.split(",")) {
      const h = entry.trim();
      if (!h) continue;
      let host = h;
      let port: number | undefined;
      try {
        ({ host, port } = parseAddress(h, false));
      } catch (e) {
        if (!(e instanceof AddressError)) throw e;
      }
      if (!inventory.hosts.has(host)) inventory.addHost(host, "ungrouped", port);
    }
  } finally {
    inventory.currentSource = undefined;
  }
}
