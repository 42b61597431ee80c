/**
 * The container engine behind `infra lab`: podman or docker, whichever is installed (INFRA_ENGINE forces one).
 * Everything that differs between the two, or between machines, is decided here and nowhere else.
 */
import { readFileSync } from "node:fs";
import { ExitCode, InfraError } from "../util/errors.js";
import { onPath, run, type RunResult } from "../util/exec.js";

export interface Engine {
  name: "podman" | "docker";
  /** Extra `run` flags this machine needs (runtime, ulimits within the hard limits). */
  runFlags: string[];
  exec(args: string[], opts?: { input?: string; onStderr?: (s: string) => void }): Promise<RunResult>;
  /** Like exec, but a non-zero exit is an InfraError showing the command and its stderr. */
  must(args: string[], what: string, opts?: { input?: string }): Promise<string>;
}

let cached: Promise<Engine> | undefined;

export function detectEngine(): Promise<Engine> {
  cached ??= detect();
  return cached;
}

async function detect(): Promise<Engine> {
  const forced = process.env.INFRA_ENGINE;
  if (forced && forced !== "podman" && forced !== "docker") {
    throw new InfraError(`INFRA_ENGINE=${forced} is not a container engine infra knows`, {
      hint: "Set INFRA_ENGINE to podman or docker, or unset it to pick whichever is installed.",
      exitCode: ExitCode.options,
    });
  }
  const candidates = forced ? [forced] : ["podman", "docker"];
  for (const name of candidates as ("podman" | "docker")[]) {
    if (!(await onPath(name))) continue;
    // A docker client without a running daemon is no engine (common on CI machines).
    if (name === "docker" && (await run("docker", ["info"])).code !== 0) continue;
    return makeEngine(name, await runFlagsFor(name));
  }
  throw new InfraError("no container engine found for the lab hosts", {
    hint:
      "Install podman (Debian/Ubuntu: `sudo apt-get install podman runc mmdebstrap`) or start a Docker engine, " +
      "then run `infra lab up` again.",
  });
}

async function runFlagsFor(name: "podman" | "docker"): Promise<string[]> {
  const flags: string[] = [];
  // Podman's default runtime (crun) refuses hybrid cgroup setups; runc copes with them, so prefer it when present.
  const runtime =
    process.env.INFRA_RUNTIME ?? (name === "podman" && (await onPath("runc")) ? "runc" : undefined);
  if (runtime) flags.push("--runtime", runtime);
  // Engines ask for more open files/processes than an unprivileged hard limit allows; stay within it.
  const files = Math.min(hardLimit("Max open files"), 1_048_576);
  // runc refuses NPROC limits far above what the pid cgroup allows; 16384 is plenty for a lab host.
  const procs = Math.min(hardLimit("Max processes"), 16384);
  flags.push("--ulimit", `nofile=${files}:${files}`, "--ulimit", `nproc=${procs}:${procs}`);
  return flags;
}

/** A hard resource limit of this process, from /proc/self/limits (Linux, where the engines run). */
function hardLimit(label: string): number {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith(label));
  const hard = line?.slice(label.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === "unlimited" || !/^\d+$/.test(hard) ? Infinity : Number(hard);
}

/** An engine command that failed, as `must` reports it: what we were doing, the command, its last output lines. */
export function engineFailure(name: string, args: string[], r: RunResult, what: string): InfraError {
  return new InfraError(`${what} failed: ${name} ${args.slice(0, 3).join(" ")} … exited ${r.code}`, {
    hint: lastLines(r.stderr || r.stdout, 15),
  });
}

function makeEngine(name: "podman" | "docker", runFlags: string[]): Engine {
  const exec: Engine["exec"] = (args, opts = {}) => run(name, args, opts);
  return {
    name,
    runFlags,
    exec,
    async must(args, what, opts = {}) {
      const r = await exec(args, opts);
      if (r.code !== 0) throw engineFailure(name, args, r, what);
      return r.stdout;
    },
  };
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
