/**
 * The inventory in the shape `ansible-inventory --list` and `--host` print it, so `infra inventory` can show what
 * Ansible would and tests can compare the two directly. Internal variables (inventory_file, group_names, …) are left
 * out exactly like ansible-inventory leaves them out.
 */
import type { Group, Inventory, Vars } from "./model.js";
import { selectHosts } from "./patterns.js";
import { hostInventoryVars, type HostVarsOptions } from "./vars-files.js";

const INTERNAL_VARS = new Set([
  "ansible_diff_mode",
  "ansible_config_file",
  "ansible_facts",
  "ansible_forks",
  "ansible_inventory_sources",
  "ansible_limit",
  "ansible_playbook_python",
  "ansible_run_tags",
  "ansible_skip_tags",
  "ansible_verbosity",
  "ansible_version",
  "inventory_dir",
  "inventory_file",
  "inventory_hostname",
  "inventory_hostname_short",
  "groups",
  "group_names",
  "omit",
  "playbook_dir",
]);

export interface ListedGroup {
  hosts?: string[];
  children?: string[];
}

/** `ansible-inventory --host NAME`: the host's merged inventory variables. */
export function hostVarsJson(inventory: Inventory, host: string, opts: HostVarsOptions = {}): Vars {
  const vars = hostInventoryVars(inventory, host, opts);
  for (const k of INTERNAL_VARS) delete vars[k];
  return vars;
}

/** `ansible-inventory --list`: groups with their direct hosts and children, and `_meta.hostvars`. */
export function inventoryListJson(inventory: Inventory, opts: HostVarsOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (group: Group): void => {
    const entry: ListedGroup = {};
    if (group.name !== "all" && group.hosts.length) entry.hosts = group.hosts.map((h) => h.name);
    if (group.children.length) entry.children = group.children.map((c) => c.name);
    if (entry.hosts || entry.children) out[group.name] = entry;
    for (const child of group.children) {
      if (seen.has(child.name)) continue;
      format(child);
      seen.add(child.name);
    }
  };
  format(inventory.groups.get("all")!);
  const hostvars: Record<string, Vars> = {};
  for (const h of selectHosts(inventory, "all")) {
    const vars = hostVarsJson(inventory, h.name, opts);
    if (Object.keys(vars).length) hostvars[h.name] = vars;
  }
  out._meta = { hostvars };
  return out;
}
