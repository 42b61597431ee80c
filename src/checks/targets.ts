/**
 * Which host is which. Students name their groups db_servers, mysql, database_servers, app_stack…, so a role is
 * found by group patterns (first that matches wins) and by what hosts are: the host running MariaDB, the one
 * running InfluxDB, the backup server named in the cron jobs' duplicity URL. Discovery wins over a group name
 * that points elsewhere, and the reason is kept for the report.
 */
import { selectHosts, type Inventory } from "../inventory/index.js";
import type { HostFacts } from "./discovery.js";
import type { RoleAssignment, RoleDef } from "./types.js";

const WHAT: Record<string, string> = {
  mariadb: "runs MariaDB/MySQL",
  influxdb: "runs InfluxDB",
  backup_server: "is the backup server of the duplicity URLs",
};

function byGroups(inventory: Inventory, patterns: string[]): { hosts: string[]; pattern?: string } {
  for (const pattern of patterns) {
    const hosts = selectHosts(inventory, pattern, { onWarning: () => {} })
      .filter((h) => !h.implicit)
      .map((h) => h.name);
    if (hosts.length) return { hosts, pattern };
  }
  return { hosts: [] };
}

function discovered(
  role: RoleDef,
  facts: Map<string, HostFacts>,
  inventory: Inventory,
  backupHost?: string,
): string[] {
  if (role.discover === "backup_server") {
    if (!backupHost) return [];
    const short = backupHost.split(".")[0];
    return [...inventory.hosts.values()]
      .filter((h) => {
        const addr = String(h.vars.ansible_host ?? "");
        return (
          h.name === backupHost || addr === backupHost || h.name === short || h.name.split(".")[0] === short
        );
      })
      .map((h) => h.name);
  }
  const key = role.discover;
  if (!key) return [];
  return [...facts.entries()].filter(([, f]) => f[key]).map(([name]) => name);
}

export function assignRoles(
  roles: Record<string, RoleDef>,
  inventory: Inventory,
  facts: Map<string, HostFacts>,
  backupHost?: string,
): RoleAssignment[] {
  const plain = Object.entries(roles).filter(([, def]) => !def.union);
  const assigned = plain.map(([role, def]) => assignOne(role, def, inventory, facts, backupHost));
  const unions = Object.entries(roles)
    .filter(([, def]) => def.union)
    .map(([role, def]) => {
      const parts = assigned.filter((a) => def.union!.includes(a.role));
      return {
        role,
        hosts: [...new Set(parts.flatMap((p) => p.hosts))],
        reason: `the hosts of ${def.union!.join(" and ")}`,
      };
    });
  return [...assigned, ...unions];
}

function assignOne(
  role: string,
  def: RoleDef,
  inventory: Inventory,
  facts: Map<string, HostFacts>,
  backupHost?: string,
): RoleAssignment {
  {
    const g = byGroups(inventory, def.groups ?? [role]);
    const d = discovered(def, facts, inventory, backupHost);
    const what = def.discover ? WHAT[def.discover] : "";
    if (d.length) {
      const both = d.filter((h) => g.hosts.includes(h));
      if (both.length) return { role, hosts: both, reason: `group ${g.pattern} and ${what}` };
      return {
        role,
        hosts: d,
        reason: `${what}${g.pattern ? ` (group ${g.pattern} holds ${g.hosts.join(", ")} instead)` : " (no group matched)"}`,
      };
    }
    if (g.hosts.length)
      return {
        role,
        hosts: g.hosts,
        reason: `group ${g.pattern}${def.discover ? `; no reachable host ${what}` : ""}`,
      };
    return {
      role,
      hosts: [],
      reason: `no group matched ${(def.groups ?? [role]).join(", ")}${def.discover ? ` and no host ${what}` : ""}`,
    };
  }
}
