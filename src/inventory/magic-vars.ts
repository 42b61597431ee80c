/**
 * The variables Ansible derives from the inventory itself rather than from what a user wrote:
 * `inventory_hostname`, `inventory_hostname_short`, `group_names` (per host) and `groups` (for everyone).
 */
import { isIpAddress } from "./host-address.js";
import type { Host, Inventory, Vars } from "./model.js";

/** `groups`: every group (including `all` and `ungrouped`) → the names of its hosts, children's hosts included. */
export function groupsMap(inventory: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, group] of inventory.groups) out[name] = group.allHosts().map((h) => h.name);
  return out;
}

/** `group_names`: the host's groups, sorted, without `all` (an ungrouped host has `["ungrouped"]`). */
export function groupNames(host: Host): string[] {
  return host.groupNames();
}

/** What Ansible's Host.get_magic_vars adds on top of the host's own inventory variables. */
export function hostMagicVars(host: Host): Vars {
  return {
    inventory_hostname: host.name,
    inventory_hostname_short: isIpAddress(host.name) ? host.name : host.name.split(".")[0]!,
    group_names: host.groupNames(),
  };
}
