/**
 * `infra lab`: disposable local hosts shaped like the course's VMs. `up` is idempotent (a second call only checks
 * that the hosts answer), `down` removes exactly the containers and network it made, labelled with this project.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { resolve } from "node:path";
import { InfraError } from "../util/errors.js";
import { mapLimit } from "../util/exec.js";
import { detectEngine, engineFailure, type Engine } from "./engine.js";
import {
  ensureKeys,
  hostPublicKey,
  labHome,
  paths,
  readState,
  writeAtomic,
  writeInventory,
  writeKnownHosts,
  type LabHost,
  type LabState,
} from "./files.js";
import { hostSpecs, type HostSpec } from "./hosts.js";
import { ensureImage } from "./image.js";

export interface LabOptions {
  lab?: string;
  cwd?: string;
  log?: (msg: string) => void;
}

const DEFAULT_HOSTS = 3;
const READY_TIMEOUT_MS = 180_000;
const KEYS_LABEL = "io.infra.keys";

/** Containers of different checkouts never collide: their names carry a hash of the project folder. */
function projectId(cwd: string): string {
  return createHash("sha256").update(resolve(cwd)).digest("hex").slice(0, 6);
}

function names(opts: LabOptions) {
  const lab = opts.lab ?? "lab";
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(lab)) {
    throw new InfraError(`lab name "${lab}" is not usable`, {
      hint: "Use lower-case letters, digits, - and _.",
    });
  }
  const cwd = opts.cwd ?? process.cwd();
  const project = projectId(cwd);
  const prefix = `infra-${project}-${lab}`;
  return {
    lab,
    home: labHome(lab, cwd),
    project,
    network: prefix,
    container: (host: string) => `${prefix}-${host}`,
    labels: ["--label", `io.infra.project=${project}`, "--label", `io.infra.lab=${lab}`],
    filter: ["--filter", `label=io.infra.project=${project}`, "--filter", `label=io.infra.lab=${lab}`],
  };
}

interface ContainerInfo {
  name: string;
  running: boolean;
  image: string;
}

async function listContainers(engine: Engine, filter: string[]): Promise<ContainerInfo[]> {
  const out = await engine.must(
    ["ps", "-a", ...filter, "--format", "{{.Names}}\t{{.State}}\t{{.Image}}"],
    "listing lab containers",
  );
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [name = "", state = "", image = ""] = line.split("\t");
      return { name, running: /^(running|up)/i.test(state), image };
    });
}

/**
 * Containers the engine still calls running although their process is gone: after the machine restarted, podman's
 * state database says "Up 3 hours" for containers whose init died with the old kernel, and `start` or `exec` on
 * them fail. Their contents are disposable, so `up` recreates them. Only checked where the engine's processes are
 * ours to see (the pid is looked up in this machine's /proc).
 */
async function deadButRunning(engine: Engine, containers: ContainerInfo[]): Promise<Set<string>> {
  const running = containers.filter((c) => c.running).map((c) => c.name);
  if (running.length === 0 || !existsSync("/proc/self") || process.env.DOCKER_HOST) return new Set();
  const out = await engine.exec(["inspect", "--format", "{{.Name}}\t{{.State.Pid}}", ...running]);
  if (out.code !== 0) return new Set();
  const dead = new Set<string>();
  for (const line of out.stdout.split("\n")) {
    const [name = "", pid = ""] = line.trim().split("\t");
    if (Number(pid) > 0 && !existsSync(`/proc/${pid}`)) dead.add(name.replace(/^\//, ""));
  }
  return dead;
}

/** Ports handed out by this process: the kernel may offer a just-closed one again to the next caller. */
const handedOut = new Set<number>();

async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.on("error", rej);
      srv.listen(0, "127.0.0.1", () => {
        const addr = srv.address();
        srv.close(() => (typeof addr === "object" && addr ? res(addr.port) : rej(new Error("no port"))));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

async function publishedPort(engine: Engine, container: string): Promise<number> {
  const out = await engine.must(["port", container, "22/tcp"], `reading the SSH port of ${container}`);
  const m = /:(\d+)\s*$/m.exec(out.trim());
  if (!m)
    throw new InfraError(`${container} publishes no SSH port`, {
      hint: "Run `infra lab down` and `up` again.",
    });
  return Number(m[1]);
}

export async function labUp(opts: LabOptions & { hosts?: number }): Promise<LabState> {
  const log = opts.log ?? (() => {});
  const n = names(opts);
  const engine = await detectEngine();
  const previous = readState(n.home);
  const count = opts.hosts ?? previous?.hosts.length ?? DEFAULT_HOSTS;
  if (!Number.isInteger(count) || count < 1 || count > 250) {
    throw new InfraError(`--hosts ${opts.hosts} is out of range`, {
      hint: "Give a whole number from 1 to 250.",
    });
  }
  const specs = hostSpecs(count);
  await ensureKeys(n.home, specs);
  const image = await ensureImage(engine, log);
  if ((await engine.exec(["network", "exists", n.network])).code !== 0) {
    await engine.must(["network", "create", ...n.labels, n.network], "creating the lab network");
  }

  const existing = new Map((await listContainers(engine, n.filter)).map((c) => [c.name, c]));
  const wanted = new Set(specs.map((s) => n.container(s.name)));
  const dead = await deadButRunning(engine, [...existing.values()]);
  const keys = await keyLabels(engine, [...existing.keys()]);
  const keysOf = new Map(specs.map((s) => [n.container(s.name), keysId(n.home, s.name)]));
  const stale = [...existing.values()].filter(
    (c) =>
      !wanted.has(c.name) ||
      !sameImage(c.image, image) ||
      dead.has(c.name) ||
      keys.get(c.name) !== keysOf.get(c.name),
  );
  if (stale.length) {
    log(`removing ${stale.length} lab container(s) that are no longer wanted, use an old image or old keys`);
    await engine.must(["rm", "-f", ...stale.map((c) => c.name)], "removing old lab containers");
    for (const c of stale) existing.delete(c.name);
  }

  const created = specs.filter((s) => !existing.has(n.container(s.name))).length;
  if (created) log(`starting ${created} lab host(s)`);
  const hosts = await mapLimit(specs, 6, async (spec): Promise<LabHost> => {
    const container = n.container(spec.name);
    const current = existing.get(container);
    if (!current) await startContainer(engine, n, spec, image, container);
    else if (!current.running) {
      // A container that cannot start again (its port went to someone else meanwhile) is made anew.
      if ((await engine.exec(["start", container])).code !== 0) {
        await engine.exec(["rm", "-f", container]);
        await startContainer(engine, n, spec, image, container);
      }
    }
    return { ...spec, container, port: await publishedPort(engine, container) };
  });

  const state: LabState = { lab: n.lab, image, network: n.network, hosts };
  writeKnownHosts(n.home, hosts);
  writeInventory(n.home, state);
  writeAtomic(paths(n.home).state, JSON.stringify(state, null, 2) + "\n");
  await waitReady(engine, hosts);
  log(`lab "${n.lab}" is up: ${hosts.length} host(s); inventory ${paths(n.home).inventory}`);
  return state;
}

/**
 * Which login key and host key a container was started with. A checkout made again at the same path (a CI clone)
 * finds the previous checkout's containers under the same names but has made new keys: adopting them would greet
 * every SSH client with a host key that known_hosts no longer lists, so `up` recreates them instead.
 */
function keysId(home: string, host: string): string {
  const login = readFileSync(paths(home).key + ".pub", "utf8").trim();
  return createHash("sha256")
    .update(`${login}\n${hostPublicKey(home, host)}`)
    .digest("hex")
    .slice(0, 16);
}

async function keyLabels(engine: Engine, containers: string[]): Promise<Map<string, string>> {
  if (containers.length === 0) return new Map();
  const out = await engine.exec([
    "inspect",
    "--format",
    `{{.Name}}\t{{index .Config.Labels "${KEYS_LABEL}"}}`,
    ...containers,
  ]);
  const labels = new Map<string, string>();
  for (const line of out.stdout.split("\n")) {
    const [name = "", id = ""] = line.trim().split("\t");
    if (name) labels.set(name.replace(/^\//, ""), id.replace(/^<no value>$/, ""));
  }
  return labels;
}

function sameImage(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^localhost\//, "");
  return norm(a) === norm(b);
}

async function startContainer(
  engine: Engine,
  n: ReturnType<typeof names>,
  spec: HostSpec,
  image: string,
  container: string,
): Promise<void> {
  const pub = readFileSync(paths(n.home).key + ".pub", "utf8").trim();
  const run = (port: number) => [
    "run",
    "-d",
    ...engine.runFlags,
    ...n.labels,
    "--label",
    `${KEYS_LABEL}=${keysId(n.home, spec.name)}`,
    "--name",
    container,
    "--hostname",
    spec.name,
    "--network",
    n.network,
    "--network-alias",
    spec.name,
    "-p",
    `127.0.0.1:${port}:22`,
    "-v",
    `${paths(n.home).hostKeyDir(spec.name)}:/etc/lab-hostkey:ro`,
    "-e",
    `LAB_SERVICES=${spec.services.join(" ")}`,
    "-e",
    `LAB_AUTHORIZED_KEY=${pub}`,
    image,
  ];
  // The free port we picked can be taken by someone else's connection before the engine binds it (busy machines,
  // parallel test runs): then try another one.
  for (let attempt = 1; ; attempt++) {
    const args = run(await freePort());
    const r = await engine.exec(args);
    if (r.code === 0) return;
    await engine.exec(["rm", "-f", container]);
    if (attempt < 5 && /address already in use/i.test(r.stderr)) continue;
    throw engineFailure(engine.name, args, r, `starting lab host ${spec.name}`);
  }
}

/** A host is ready when its init script has started every service and sshd greets on the published port. */
async function waitReady(engine: Engine, hosts: LabHost[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  await mapLimit(hosts, 8, async (h) => {
    while ((await engine.exec(["exec", h.container, "test", "-f", "/run/lab-ready"])).code !== 0) {
      if (Date.now() > deadline) {
        const logs = await engine.exec(["logs", "--tail", "20", h.container]);
        throw new InfraError(`lab host ${h.name} did not become ready in ${READY_TIMEOUT_MS / 1000} s`, {
          hint: `Its log:\n${logs.stdout}${logs.stderr}`,
        });
      }
      await sleep(250);
    }
    while (!(await sshGreets(h.port))) {
      if (Date.now() > deadline)
        throw new InfraError(`sshd of lab host ${h.name} does not answer on ${h.port}`);
      await sleep(250);
    }
  });
}

function sshGreets(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.on("error", () => done(false));
    sock.once("data", (d) => done(d.toString("latin1").startsWith("SSH-")));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function labDown(opts: LabOptions): Promise<number> {
  const n = names(opts);
  const engine = await detectEngine();
  const containers = await listContainers(engine, n.filter);
  if (containers.length)
    await engine.must(["rm", "-f", "-t", "2", ...containers.map((c) => c.name)], "removing");
  if ((await engine.exec(["network", "exists", n.network])).code === 0) {
    await engine.must(["network", "rm", n.network], "removing the lab network");
  }
  rmSync(n.home, { recursive: true, force: true });
  return containers.length;
}

export interface HostStatus {
  name: string;
  container: string;
  port: number;
  running: boolean;
  sshd: boolean;
  groups: string[];
}

export async function labStatus(opts: LabOptions): Promise<HostStatus[]> {
  const n = names(opts);
  // The engine first: a wrong INFRA_ENGINE is an error whether or not this lab exists.
  const engine = await detectEngine();
  const state = readState(n.home);
  if (!state) return [];
  const running = new Map((await listContainers(engine, n.filter)).map((c) => [c.name, c.running]));
  return Promise.all(
    state.hosts.map(async (h) => ({
      name: h.name,
      container: h.container,
      port: h.port,
      groups: h.groups,
      running: running.get(h.container) ?? false,
      sshd: await sshGreets(h.port),
    })),
  );
}

/** The lab's state, or a clear error when the lab is not up. */
export function requireState(opts: LabOptions): { state: LabState; home: string } {
  const n = names(opts);
  const state = readState(n.home);
  if (!state) {
    throw new InfraError(`lab "${n.lab}" is not up in ${opts.cwd ?? process.cwd()}`, {
      hint: "Start it with `infra lab up`.",
    });
  }
  return { state, home: n.home };
}
