/**
 * ansible.builtin.systemd (systemd_service): a unit's state (started/stopped/restarted/reloaded), enablement,
 * masking and daemon-reload through systemctl, as Ansible's systemd module. Everything it compares is read in one
 * command (`systemctl show`, `is-enabled`, the SysV fallbacks); changes go in one more.
 *
 * On a host where PID 1 is not systemd (the lab's containers run tini) this module does NOT fall back to init
 * scripts: Ansible's fails there (no systemctl, or systemctl cannot talk to systemd), and a playbook that says
 * `systemd:` should fail the same way under infra. The `service` module is the one that adapts to the init system.
 */
import { ModuleArgsError } from "./args.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { capture, rc, readFacts, runCommands, text, type Facts } from "./util/service-state.js";
import { quote } from "./util/shell.js";

export interface SystemdArgs {
  name?: string | null;
  state?: "reloaded" | "restarted" | "started" | "stopped" | null;
  enabled?: boolean | null;
  force?: boolean | null;
  masked?: boolean | null;
  daemon_reload: boolean;
  daemon_reexec: boolean;
  scope: "system" | "user" | "global";
  no_block: boolean;
}

const PATH_MSG = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Ansible's parse_systemctl_show: key=value lines, multi-line values only for Exec* keys in braces. */
export function parseSystemctlShow(lines: string[]): Record<string, string> {
  const parsed: Record<string, string> = {};
  let multi: string[] = [];
  let k: string | null = null;
  for (const line of lines) {
    if (k === null) {
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith("Exec") && v.trimStart().startsWith("{") && !v.trimEnd().endsWith("}")) {
        multi.push(v);
        continue;
      }
      parsed[k] = v.trim();
      k = null;
    } else {
      multi.push(line);
      if (line.trimEnd().endsWith("}")) {
        parsed[k] = multi.join("\n").trim();
        multi = [];
        k = null;
      }
    }
  }
  return parsed;
}

const ignored = (out: string) =>
  !out.includes("=") && (out.includes("ignoring request") || out.includes("ignoring command"));

const VALID_ENABLED = new Set([
  "enabled",
  "enabled-runtime",
  "linked",
  "linked-runtime",
  "masked",
  "masked-runtime",
  "static",
  "indirect",
  "disabled",
  "generated",
  "transient",
]);

function systemctlBase(a: SystemdArgs): string {
  let s = "systemctl";
  if (a.scope !== "system") s += ` --${a.scope}`;
  if (a.no_block) s += " --no-block";
  if (a.force) s += " --force";
  return s;
}

export async function runSystemd(a: SystemdArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const unit = a.name ?? null;
  if (unit !== null) {
    for (const g of ["*", "?", "["]) {
      if (unit.includes(g))
        throw new ModuleFailure(
          `This module does not currently support using glob patterns, found '${g}' in service name: ${unit}`,
        );
    }
  }
  const sc = systemctlBase(a);
  const u = unit === null ? "" : quote(unit);
  const lines = [
    `command -v systemctl >/dev/null 2>&1 || { echo "nosystemctl 1"; exit 0; }`,
    `export XDG_RUNTIME_DIR="\${XDG_RUNTIME_DIR:-/run/user/$(id -u)}"`,
  ];
  // daemon-reload must come before the unit is read, as in Ansible; check mode never runs it.
  if (a.daemon_reload && !ctx.check) lines.push(capture("reload", `${sc} daemon-reload 2>&1`));
  if (a.daemon_reexec && !ctx.check) lines.push(capture("reexec", `${sc} daemon-reexec 2>&1`));
  if (unit !== null) {
    lines.push(
      `_e=$(mktemp); _o=$(${sc} show ${u} 2>"$_e"); _r=$?; echo "show $(printf '%s' "$_o" | base64 -w0)"; echo "show.err $(base64 -w0 <"$_e")"; echo "show.rc $_r"; rm -f -- "$_e"`,
      capture("isenabled", `${sc} is-enabled ${u}`),
      capture("isenabledl", `${sc} is-enabled ${u} -l`),
      capture("listfiles", `${sc} list-unit-files ${u}`),
      `if [ -f /etc/init.d/${u} ]; then echo "initd 1"; fi`,
      `for _l in /etc/rc?.d/S??${u}; do [ -e "$_l" ] && { echo "slinks 1"; break; }; done`,
    );
  }
  const f = await readFacts(ctx, lines);
  if (f.has("nosystemctl"))
    throw new ModuleFailure(`Failed to find required executable "systemctl" in paths: ${PATH_MSG}`);
  if (f.has("reload") && rc(f, "reload") !== 0)
    throw new ModuleFailure(`failure ${rc(f, "reload")} during daemon-reload: ${text(f, "reload")}`);
  if (f.has("reexec") && rc(f, "reexec") !== 0)
    throw new ModuleFailure(`failure ${rc(f, "reexec")} during daemon-reexec: ${text(f, "reexec")}`);
  const result: ModuleResult = { name: unit, changed: false, status: {} };
  if (unit === null) return result;
  return unitState(a, ctx, unit, f, result);
}

async function unitState(
  a: SystemdArgs,
  ctx: ModuleContext,
  unit: string,
  f: Facts,
  result: ModuleResult,
): Promise<ModuleResult> {
  const sc = systemctlBase(a);
  const u = quote(unit);
  const isInitd = f.has("initd");
  let isSystemd = false;
  let status: Record<string, string> = {};
  const out = text(f, "show");
  const err = text(f, "show.err");
  if (rc(f, "show") === 0 && !(ignored(out) || ignored(err))) {
    if (out) {
      status = parseSystemctlShow(out.split("\n"));
      isSystemd = "LoadState" in status && status.LoadState !== "not-found";
      const masked = status.LoadState === "masked";
      if (isSystemd && !masked && "LoadError" in status)
        throw new ModuleFailure(`Error loading unit file '${unit}': ${status.LoadError}`);
    }
  } else if (VALID_ENABLED.has(text(f, "isenabled").trim())) isSystemd = true;
  else if (rc(f, "listfiles") === 0) isSystemd = true;
  else throw new ModuleFailure(err.trim() || `systemctl failed (rc ${rc(f, "show")})`, { rc: rc(f, "show") });
  result.status = status;
  const found = isSystemd || isInitd;
  if (isInitd && !isSystemd)
    ctx.warn(`The service (${unit}) is actually an init script but the system is managed by systemd`);
  const missing = () => new ModuleFailure(`Could not find the requested service ${unit}: host`);

  const actions: [string, string][] = [];
  const failures: Record<string, string> = {};
  if (a.masked != null) {
    const masked = text(f, "isenabled").trim() === "masked";
    if (masked !== a.masked) {
      result.changed = true;
      const action = a.masked ? "mask" : "unmask";
      actions.push(["mask", `${sc} ${action} ${u}`]);
      failures.mask = `Could not find the requested service ${unit}: host`;
    }
  }
  if (a.enabled != null) {
    if (!found) throw missing();
    const action = a.enabled ? "enable" : "disable";
    let enabled = false;
    const lines = text(f, "isenabledl")
      .split("\n")
      .filter((l, i, all) => l !== "" || i < all.length - 1);
    if (rc(f, "isenabledl") === 0) {
      enabled = !(lines.length === 1 && (lines[0] === "indirect" || lines[0] === "alias"));
    } else if (rc(f, "isenabledl") === 1) {
      if (
        a.scope === "system" &&
        isInitd &&
        !text(f, "isenabledl").trim().endsWith("disabled") &&
        f.has("slinks")
      )
        enabled = true;
    }
    result.enabled = enabled;
    if (enabled !== a.enabled) {
      result.changed = true;
      actions.push(["enable", `${sc} ${action} ${u}`]);
      failures.enable = `Unable to ${action} service ${unit}: `;
      result.enabled = !enabled;
    }
  }
  if (a.state != null) {
    if (!found) throw missing();
    result.state = a.state;
    if ("ActiveState" in status) {
      const running = ["active", "activating"].includes(status.ActiveState!);
      let action: string | null = null;
      if (a.state === "started") action = running ? null : "start";
      else if (a.state === "stopped")
        action = running || status.ActiveState === "deactivating" ? "stop" : null;
      else {
        action = running ? a.state.slice(0, -2) : "start";
        result.state = "started";
      }
      if (action) {
        result.changed = true;
        actions.push(["state", `${sc} ${action} ${u}`]);
        failures.state = `Unable to ${action} service ${unit}: `;
      }
    } else throw new ModuleFailure("Service is in unknown state", { status });
  }
  if (ctx.check) return result;
  const done = await runCommands(ctx, actions);
  for (const [key] of actions) {
    if (rc(done, key) === 0) continue;
    if (key === "mask") throw missing();
    const detail = key === "enable" ? text(done, key) + text(done, `${key}.err`) : text(done, `${key}.err`);
    throw new ModuleFailure(failures[key]! + detail);
  }
  return result;
}

export const systemd: Module<SystemdArgs> = {
  name: "systemd",
  aliases: [
    "ansible.builtin.systemd",
    "ansible.legacy.systemd",
    "systemd_service",
    "ansible.builtin.systemd_service",
    "ansible.legacy.systemd_service",
  ],
  args: {
    name: { type: "str", aliases: ["service", "unit"] },
    state: { type: "str", choices: ["reloaded", "restarted", "started", "stopped"] },
    enabled: { type: "bool" },
    force: { type: "bool" },
    masked: { type: "bool" },
    daemon_reload: { type: "bool", default: false, aliases: ["daemon-reload"] },
    daemon_reexec: { type: "bool", default: false, aliases: ["daemon-reexec"] },
    scope: { type: "str", default: "system", choices: ["system", "user", "global"] },
    no_block: { type: "bool", default: false },
  },
  // Ansible's required_one_of [state, enabled, masked, daemon_reload, daemon_reexec] always holds: the two booleans
  // get their defaults before the check runs. So no rule here.
  checkMode: true,
  async run(a, ctx) {
    for (const k of ["state", "enabled", "masked"] as const) {
      if (a[k] != null && a.name == null)
        throw new ModuleArgsError(`missing parameter(s) required by '${k}': name`);
    }
    return runSystemd(a, ctx);
  },
};
