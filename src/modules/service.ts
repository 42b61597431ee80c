/**
 * ansible.builtin.service: started/stopped/restarted/reloaded and enabled at boot. Like Ansible's service action, it
 * hands over to the systemd implementation where PID 1 is systemd; elsewhere (the lab hosts: tini + init scripts)
 * it is Ansible's LinuxService: `service NAME status|start|stop|reload` (restart = stop, then start), the status
 * judged by its exit code and wording, and `update-rc.d` with /etc/rc?.d/S??NAME links for `enabled`. The init
 * system and the state are read in one command.
 */
import { runSystemd } from "./systemd.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import {
  capture,
  IS_SYSTEMD,
  rc,
  readFacts,
  runCommands,
  sysvLines,
  text,
  type Facts,
} from "./util/service-state.js";
import { quote } from "./util/shell.js";

export interface ServiceArgs {
  name: string;
  state?: "started" | "stopped" | "reloaded" | "restarted" | null;
  sleep?: number | null;
  pattern?: string | null;
  enabled?: boolean | null;
  runlevel: string;
  arguments: string;
  use: string;
}

/** Ansible's get_service_status for a SysV `service NAME status`: rc first, then the wording of a one-line answer. */
export function sysvRunning(name: string, statusRc: number, stdout: string): boolean | null {
  if ([1, 2, 3, 4, 69].includes(statusRc)) return false;
  if ((stdout.match(/\n/g) ?? []).length <= 1) {
    const clean = stdout.toLowerCase().split(name.toLowerCase()).join("");
    if (clean.includes("stop")) return false;
    if (clean.includes("run")) return !clean.includes("not ");
    if (clean.includes("start") && !clean.includes("not ")) return true;
    for (const s of [
      "could not access pid file",
      "is dead and pid file exists",
      "dead but subsys locked",
      "dead but pid file exists",
    ])
      if (clean.includes(s)) return false;
  }
  if (statusRc === 0) return true;
  if (name === "iptables" && stdout.includes("ACCEPT")) return true;
  return null;
}

/** check_ps: a line of `ps auxww` holding the pattern (but not "pattern=", our own probe's command line). */
export function psRunning(ps: string, pattern: string): boolean {
  return ps.split("\n").some((l) => l.includes(pattern) && !l.includes("pattern="));
}

async function runSysv(a: ServiceArgs, ctx: ModuleContext, f: Facts): Promise<ModuleResult> {
  const n = quote(a.name);
  const args = a.arguments ? ` ${a.arguments}` : "";
  const result: ModuleResult = { changed: false, name: a.name };
  const initscript = f.has("initscript");
  let enableCmd: string | null = null;
  if (f.has("tool.initctl") && f.has("upstart")) enableCmd = "initctl";
  else if (f.has("tool.rc-service")) enableCmd = "rc-update";
  else if (initscript) {
    enableCmd = f.has("tool.update-rc.d")
      ? "update-rc.d"
      : f.has("tool.insserv")
        ? "insserv"
        : f.has("tool.chkconfig")
          ? "chkconfig"
          : null;
  }
  if (enableCmd === null) throw new ModuleFailure(`Could not find the requested service ${a.name}: host`);
  if (!f.has("tool.service") && !initscript)
    throw new ModuleFailure(
      "cannot find 'service' binary or init script for service,  possible typo in service name?, aborting",
    );
  if (enableCmd !== "update-rc.d")
    throw new ModuleFailure(
      `infra's service module manages SysV services with update-rc.d only; this host uses ${enableCmd}`,
    );

  const cmds: [string, string][] = [];
  let changed = false;
  if (a.enabled != null) {
    const enabled = f.has("slinks");
    if (a.enabled !== enabled) {
      changed = true;
      if (a.enabled && !f.has("klinks")) cmds.push(["defaults", `update-rc.d ${n} defaults`]);
      cmds.push(["enable", `update-rc.d ${n} ${a.enabled ? "enable" : "disable"}`]);
    }
    result.enabled = a.enabled;
  }
  if (a.state == null) {
    result.changed = changed;
    if (!ctx.check) checkEnable(await runCommands(ctx, cmds), cmds);
    return result;
  }
  result.state = a.state;
  const running = a.pattern
    ? psRunning(text(f, "ps"), a.pattern)
    : sysvRunning(a.name, rc(f, "status"), text(f, "status"));
  if (running === null)
    throw new ModuleFailure("failed determining service state, possible typo of service name?");
  const svcChange =
    (!running && (a.state === "reloaded" || a.state === "started")) ||
    (running && (a.state === "reloaded" || a.state === "stopped")) ||
    a.state === "restarted";
  if (ctx.check && svcChange) return { changed: true, msg: "service state changed" };
  if (ctx.check) return { ...result, changed, state: a.state === "stopped" ? "stopped" : "started" };
  if (svcChange) {
    const svc = (action: string) => `service ${n} ${action}${args}`;
    if (a.state === "restarted") {
      cmds.push(["stop", svc("stop")]);
      if (a.sleep) cmds.push(["sleep", `sleep ${a.sleep}`]);
      cmds.push(["start", svc("start")]);
    } else {
      const action = a.state === "started" || !running ? "start" : a.state === "stopped" ? "stop" : "reload";
      cmds.push(["control", svc(action)]);
    }
  }
  const done = await runCommands(ctx, cmds);
  checkEnable(done, cmds);
  let out = "";
  let err = "";
  let code = 0;
  if (done.has("control"))
    [code, out, err] = [rc(done, "control"), text(done, "control"), text(done, "control.err")];
  else if (done.has("stop")) {
    const [rc1, rc2] = [rc(done, "stop"), rc(done, "start")];
    if (rc1 !== 0 && rc2 === 0) [code, out, err] = [0, text(done, "start"), text(done, "start.err")];
    else {
      code = rc1 + rc2;
      out = text(done, "stop") + text(done, "start");
      err = text(done, "stop.err") + text(done, "start.err");
    }
  }
  if (code !== 0 && !err.includes("Job is already running")) throw new ModuleFailure(err || out);
  result.changed = changed || svcChange;
  result.state = a.state === "stopped" ? "stopped" : "started";
  return result;
}

function checkEnable(done: Facts, cmds: [string, string][]): void {
  for (const [key] of cmds) {
    if ((key === "defaults" || key === "enable") && rc(done, key) !== 0)
      throw new ModuleFailure(text(done, `${key}.err`) || text(done, key));
  }
}

export const service: Module<ServiceArgs> = {
  name: "service",
  aliases: [
    "ansible.builtin.service",
    "ansible.legacy.service",
    "sysvinit",
    "ansible.builtin.sysvinit",
    "ansible.legacy.sysvinit",
  ],
  args: {
    name: { type: "str", required: true },
    state: { type: "str", choices: ["started", "stopped", "reloaded", "restarted"] },
    sleep: { type: "int" },
    pattern: { type: "str" },
    enabled: { type: "bool" },
    runlevel: { type: "str", default: "default" },
    arguments: { type: "str", default: "", aliases: ["args"] },
    use: { type: "str", default: "auto" },
  },
  rules: { requiredOneOf: [["state", "enabled"]] },
  checkMode: true,
  async run(a, ctx) {
    const lines = [
      `if ${IS_SYSTEMD}; then echo "systemd 1"; exit 0; fi`,
      ...sysvLines(a.name, a.state != null && !a.pattern),
      // "pattern=" in this very command line keeps our own process out of check_ps, as in Ansible.
      ...(a.pattern && a.state != null ? [capture("ps", `: pattern=; ps auxww`)] : []),
    ];
    const f = await readFacts(ctx, lines);
    if (f.has("systemd") && a.use !== "sysvinit" && a.use !== "service") {
      return runSystemd(
        {
          name: a.name,
          state: a.state ?? null,
          enabled: a.enabled ?? null,
          daemon_reload: false,
          daemon_reexec: false,
          scope: "system",
          no_block: false,
        },
        ctx,
      );
    }
    return runSysv(a, ctx, f);
  },
};
