/**
 * YAML inventories as Ansible 2.14's `yaml` plugin reads them:
 *
 *     all:
 *       hosts: { web1: { ansible_host: 10.0.0.1 } }
 *       vars: { ntp: time.example.com }
 *       children: { db: { hosts: { db[1:2]: } } }
 *
 * Each top-level key is a group. `hosts`, `vars` and `children` must be mappings (a single name is allowed for
 * `hosts` and `children`); keys Ansible skips with a warning are skipped with a warning here too.
 */
import { ExitCode, InfraError, type SourceLocation } from "../util/errors.js";
import { keyLocationOf, locationOf } from "../util/yaml.js";
import { AddressError, expandHostPattern } from "./host-address.js";
import { GroupCycleError, type Inventory } from "./model.js";

const SECTIONS = ["vars", "children", "hosts"] as const;

function isMapping(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

function pyType(v: unknown): string {
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v === "string") return "<class 'str'>";
  if (typeof v === "boolean") return "<class 'bool'>";
  if (typeof v === "number") return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  return `<class '${typeof v}'>`;
}

function fail(message: string, location: SourceLocation | undefined, hint: string): never {
  throw new InfraError(message, { location, hint, exitCode: ExitCode.parse });
}

/** Fill `inventory` from the parsed YAML document `data` read from `file`. */
export function parseYamlInventory(inventory: Inventory, data: unknown, file: string): void {
  if (data === null || data === undefined || (isMapping(data) && Object.keys(data).length === 0)) {
    fail("Parsed empty YAML file", { file }, "A YAML inventory starts with a group, usually `all:`.");
  }
  if (!isMapping(data)) {
    fail(
      `YAML inventory has invalid structure, it should be a dictionary, got: ${pyType(data)}`,
      locationOf(data) ?? { file },
      "Start the file with `all:` and put `hosts:`, `vars:` and `children:` under it.",
    );
  }
  if (data.plugin) {
    fail(
      "Plugin configuration YAML file, not YAML inventory",
      keyLocationOf(data, "plugin") ?? { file },
      "Inventory plugins (aws_ec2, constructed, …) are not supported; list the hosts in a YAML or INI inventory.",
    );
  }
  for (const name of Object.keys(data))
    parseGroup(inventory, name, data[name], keyLocationOf(data, name) ?? { file });
}

function parseGroup(inventory: Inventory, name: string, groupData: unknown, where: SourceLocation): string {
  if (!isMapping(groupData) && groupData !== null) {
    inventory.warnings.push(`Skipping '${name}' as this is not a valid group definition`);
    return name;
  }
  inventory.addGroup(name, where);
  if (groupData === null) return name;

  for (const section of SECTIONS) {
    if (!(section in groupData)) continue;
    if (typeof groupData[section] === "string") groupData[section] = { [groupData[section] as string]: null };
    const value = groupData[section];
    if (!isMapping(value) && value !== null) {
      fail(
        `Invalid "${section}" entry for "${name}" group, requires a dictionary, found "${pyType(value)}" instead.`,
        keyLocationOf(groupData, section),
        section === "vars"
          ? "Write vars as `key: value` lines, not as a `- item` list."
          : `Write each entry of ${section} as a key ending in ':' (e.g. \`web1:\`), not as a \`- item\` list.`,
      );
    }
  }

  for (const key of Object.keys(groupData)) {
    const value = groupData[key];
    if (!isMapping(value) && value !== null) {
      inventory.warnings.push(
        `Skipping key (${key}) in group (${name}) as it is not a mapping, it is a ${pyType(value)}`,
      );
      continue;
    }
    if (value === null) continue;
    const at = keyLocationOf(groupData, key);
    if (key === "vars") {
      for (const v of Object.keys(value)) inventory.setVariable(name, v, value[v]);
    } else if (key === "children") {
      for (const sub of Object.keys(value)) {
        const subAt = keyLocationOf(value, sub) ?? at;
        const child = parseGroup(inventory, sub, value[sub], subAt ?? where);
        addChild(inventory, name, child, subAt);
      }
    } else if (key === "hosts") {
      for (const pattern of Object.keys(value))
        parseHosts(inventory, name, pattern, value[pattern], keyLocationOf(value, pattern) ?? at);
    } else {
      inventory.warnings.push(
        `Skipping unexpected key (${key}) in group (${name}), only "vars", "children" and "hosts" are valid`,
      );
    }
  }
  return name;
}

function addChild(inventory: Inventory, parent: string, child: string, at: SourceLocation | undefined): void {
  try {
    inventory.addChild(parent, child);
  } catch (e) {
    if (e instanceof GroupCycleError) {
      fail(
        `${e.message} (cycle: ${e.cycle.join(" -> ")})`,
        at,
        "A group cannot contain itself, even through other groups: remove one of the children entries.",
      );
    }
    // A child skipped as "not a valid group definition" was never added; Ansible fails the same way.
    fail(
      (e as Error).message,
      at,
      "Every child must be a group: `name:` followed by hosts, vars or children.",
    );
  }
}

function parseHosts(
  inventory: Inventory,
  group: string,
  pattern: string,
  hostVars: unknown,
  at: SourceLocation | undefined,
): void {
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    if (!(e instanceof AddressError)) throw e;
    fail(e.message, at, "A host range looks like web[01:10], db-[a:f] or node[1:10:2].");
  }
  const vars = hostVars ?? {};
  if (!isMapping(vars)) {
    fail(
      `Invalid data from file, expected dictionary and got: ${String(vars)}`,
      at,
      `Put the variables of host ${pattern} under it as \`key: value\` lines.`,
    );
  }
  for (const h of expanded.hosts) {
    inventory.addHost(h, group, expanded.port, at);
    for (const k of Object.keys(vars)) inventory.setVariable(h, k, vars[k]);
  }
}
