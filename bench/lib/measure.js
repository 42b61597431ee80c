/* global Buffer, performance */
/**
 * One timed run of a command: wall time measured here; peak RSS (%M, the largest process of the run's tree) and
 * the controller's CPU time (%U + %S, the run's whole process tree: ansible-playbook's forks and ssh processes
 * too) from GNU time, plus the connection masters it starts or uses (masters.js); the lab hosts' CPU time when a meter is given (host-cpu.js); exit code; and the PLAY RECAP
 * counts parsed from the output so a benchmark can tell a no-op run that changed something from one that did not.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { masters, mastersDelta } from "./masters.js";

const GNU_TIME = "/usr/bin/time";

/** `tool`: whose connection masters the run starts or uses ("infra" or "ansible"; masters.js). */
export async function timed(cmd, args, { cwd, env, hostCpu, tool } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "infra-bench-"));
  const rssFile = join(dir, "rss");
  const withTime = existsSync(GNU_TIME);
  const [file, argv] = withTime ? [GNU_TIME, ["-f", "%M %U %S", "-o", rssFile, cmd, ...args]] : [cmd, args];
  const hostsBefore = hostCpu?.();
  const mastersBefore = masters(tool);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (c) =>
      resolve({ code: c, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const hostsAfter = hostCpu?.();
  const background = mastersDelta(mastersBefore, masters(tool));
  const hostsCpu =
    hostsBefore !== undefined && hostsAfter !== undefined ? hostsAfter - hostsBefore : undefined;
  let rssMB;
  let controllerCpu;
  if (withTime) {
    const [kb, user, sys] = readFileSync(rssFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    // The run's largest process plus the connection masters it uses (they hold its connections).
    if (Number.isFinite(kb)) rssMB = kb / 1024 + background.rssMB;
    if (Number.isFinite(user) && Number.isFinite(sys)) controllerCpu = user + sys + background.cpu;
  }
  rmSync(dir, { recursive: true, force: true });
  return { code, seconds, rssMB, controllerCpu, hostsCpu, recap: parseRecap(stdout), stdout, stderr };
}

/** PLAY RECAP lines → {host: {ok, changed, unreachable, failed, skipped, …}}. */
export function parseRecap(text) {
  const out = {};
  const at = text.lastIndexOf("PLAY RECAP");
  if (at < 0) return out;
  for (const line of text.slice(at).split("\n").slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    out[m[1]] = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map(([, k, v]) => [k, Number(v)]));
  }
  return out;
}

/** Sum of one recap field over every host. */
export function recapTotal(recap, field) {
  return Object.values(recap).reduce((n, c) => n + (c[field] ?? 0), 0);
}
