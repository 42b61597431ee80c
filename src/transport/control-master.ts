/**
 * The control master: what OpenSSH's ControlMaster + ControlPersist do for Ansible, for infra. Ansible's default
 * ssh_args ask for it (`-o ControlMaster=auto -o ControlPersist=60s`), so that the second run within a minute does
 * not log in again. This process, started by the first run (control-client.ts) and detached from it, keeps each
 * host's SSH connection open between runs together with its operation helpers (the login user's and root's): a
 * later run skips the host's sshd login, sudo and Python start, most of what a no-op run costs the host. It exits
 * once no run has used it for the longest ControlPersist asked for.
 *
 * A connection is kept under a key made of every connection setting and the contents of the files they name
 * (known_hosts, private keys): a run that would check a host key or authenticate differently gets a connection of
 * its own, checked and authenticated as a direct one would be. Before a kept connection is lent out again after a
 * pause, one operation proves it still works; one that does not is replaced.
 */
import { createServer, type Server, type Socket } from "node:net";
import { connect as netConnect } from "node:net";
import { readdirSync, rmSync, statSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Duplex } from "node:stream";
import { errorToWire, Frame, frame, LineSplitter, type WireError } from "./control-wire.js";
import { UnreachableError } from "./errors.js";
import { connectSsh, type SshConnection, type SshOptions } from "./ssh.js";
import type { ExecStream } from "./types.js";

interface Kept {
  id: string;
  key: string;
  conn: SshConnection;
  /** Runs that hold it now. */
  users: number;
  lastUsed: number;
}

/** Used more recently than this, a connection is lent without a test operation. */
const FRESH_MS = 2_000;
/** How long the test operation may take before the connection counts as dead. */
const PROBE_MS = 3_000;

type Request = { id?: number; op: string; conn?: string; [k: string]: unknown };

class Master {
  private readonly byKey = new Map<string, Promise<Kept>>();
  private readonly byId = new Map<string, Kept>();
  private nextId = 1;
  private sockets = 0;
  private idleTimer?: NodeJS.Timeout;
  private persistMs: number;

  constructor(
    private readonly server: Server,
    private readonly onIdle: () => void,
    persistS: number,
  ) {
    this.persistMs = persistS * 1000;
    this.armIdle();
  }

  accept(sock: Socket): void {
    this.sockets++;
    clearTimeout(this.idleTimer);
    const held = new Map<string, number>();
    const sharedTexts = new Map<string, string>();
    let mode: "unknown" | "link" | "stream" = "unknown";
    const lines = new LineSplitter((line) => {
      if (mode === "stream") return;
      let req: Request;
      try {
        req = JSON.parse(line) as Request;
      } catch {
        return void sock.destroy();
      }
      if (mode === "unknown" && ["execStream", "forward", "forwardSocket"].includes(req.op)) {
        mode = "stream";
        sock.removeListener("data", onData);
        return void this.stream(sock, req, lines.rest());
      }
      mode = "link";
      void this.handle(req, held, sharedTexts).then((reply) => {
        if (reply !== undefined && !sock.destroyed) sock.write(`${JSON.stringify(reply)}\n`);
      });
    });
    const onData = (chunk: Buffer) => lines.push(chunk);
    sock.on("data", onData);
    // The server is half-open for the streams' sake: a run that ended its link is done, so end ours too.
    sock.on("end", () => mode !== "stream" && sock.end());
    sock.on("error", () => {});
    sock.on("close", () => {
      // A run that ended without saying goodbye (killed, crashed) lets go of what it held.
      for (const [id, n] of held) this.release(id, n);
      if (--this.sockets === 0) this.armIdle();
    });
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.onIdle(), this.persistMs);
  }

  private async handle(
    req: Request,
    held: Map<string, number>,
    sharedTexts: Map<string, string>,
  ): Promise<object | undefined> {
    try {
      const ok = await this.run(req, held, sharedTexts);
      return req.id === undefined ? undefined : { id: req.id, ok: ok ?? null };
    } catch (e) {
      return req.id === undefined ? undefined : { id: req.id, err: errorToWire(e) };
    }
  }

  private kept(req: Request): Kept {
    const kept = this.byId.get(String(req.conn));
    // The run names its host (control-client.ts); the master knows connections by id only.
    if (!kept) throw new UnreachableError("", "the kept connection was reset or dropped");
    kept.lastUsed = Date.now();
    return kept;
  }

  private async run(
    req: Request,
    held: Map<string, number>,
    sharedTexts: Map<string, string>,
  ): Promise<unknown> {
    // A helper program's shared part comes once per link, then by its id (control-client.ts).
    const shared = (r: Request) => {
      const id = String(r.sharedId);
      if (typeof r.shared === "string") sharedTexts.set(id, r.shared);
      const text = sharedTexts.get(id);
      if (text === undefined) throw new Error(`unknown shared program part ${id}`);
      return text;
    };
    const b64 = (v: unknown) => (typeof v === "string" ? Buffer.from(v, "base64") : undefined);
    switch (req.op) {
      case "connect": {
        this.persistMs = Math.max(this.persistMs, Number(req.persistS) * 1000 || 0);
        const kept = await this.lend(String(req.key), req.opts as SshOptions);
        held.set(kept.id, (held.get(kept.id) ?? 0) + 1);
        return { conn: kept.id };
      }
      case "release": {
        const id = String(req.conn);
        const n = held.get(id) ?? 0;
        if (n > 0) {
          held.set(id, n - 1);
          this.release(id, 1);
        }
        return true;
      }
      case "reset": {
        // meta: reset_connection: this connection goes, for every run that holds it (as `ssh -O stop` does).
        const kept = this.kept(req);
        held.delete(kept.id);
        this.forget(kept.key, kept);
        return true;
      }
      case "exec": {
        const opts = (req.opts ?? {}) as Record<string, unknown>;
        const stdin = b64(opts.stdin);
        return this.kept(req).conn.exec(String(req.command), { ...opts, stdin });
      }
      case "put":
        await this.kept(req).conn.put(String(req.path), b64(req.content)!, req.opts as object);
        return true;
      case "get":
        return (await this.kept(req).conn.get(String(req.path), req.opts as object)).toString("base64");
      case "python": {
        const code =
          typeof req.sharedId === "string" ? `${shared(req)}\0${String(req.code)}` : String(req.code);
        return (await this.kept(req).conn.python(code, req.opts as object)) ?? null;
      }
      case "warm":
        this.kept(req).conn.warm(req.become as never);
        return true;
      case "refreshBecome":
        this.kept(req).conn.refreshBecome();
        return true;
      default:
        throw new Error(`unknown request ${JSON.stringify(req.op)}`);
    }
  }

  /** The live connection kept under `key`, or a new one; the caller's run holds it until it releases it. */
  private async lend(key: string, opts: SshOptions): Promise<Kept> {
    // Connections that dropped while nobody held them (a host shut down, a lab recreated) go now.
    for (const kept of this.byId.values())
      if (!kept.conn.alive && kept.users === 0) this.forget(kept.key, kept);
    const known = this.byKey.get(key);
    if (known) {
      const kept = await known.catch(() => undefined);
      if (kept && (await this.works(kept))) {
        kept.users++;
        kept.lastUsed = Date.now();
        return kept;
      }
      if (this.byKey.get(key) === known) this.forget(key, kept);
      return this.lend(key, opts);
    }
    const opening = connectSsh(opts).then((conn) => {
      const kept: Kept = { id: String(this.nextId++), key, conn, users: 1, lastUsed: Date.now() };
      this.byId.set(kept.id, kept);
      return kept;
    });
    this.byKey.set(key, opening);
    // A failed connect is the run's answer (unreachable, host key, auth), never kept.
    opening.catch(() => this.byKey.get(key) === opening && this.byKey.delete(key));
    return opening;
  }

  /** Still connected, and (after a pause) answering: a host rebooted or a lab recreated meanwhile is not. */
  private async works(kept: Kept): Promise<boolean> {
    if (!kept.conn.alive) return false;
    if (kept.users > 0 || Date.now() - kept.lastUsed < FRESH_MS) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_MS)));
    const probe = (async () => {
      const answer = (await kept.conn.python("w(b'')")) ?? (await kept.conn.exec(":"));
      return answer.rc === 0;
    })().catch(() => false);
    const ok = await Promise.race([probe, timeout]);
    clearTimeout(timer);
    return ok && kept.conn.alive;
  }

  private forget(key: string, kept: Kept | undefined): void {
    if (kept === undefined || this.byId.get(kept.id) === kept) this.byKey.delete(key);
    if (!kept) return;
    this.byId.delete(kept.id);
    void kept.conn.close();
  }

  private release(id: string, n: number): void {
    const kept = this.byId.get(id);
    if (!kept) return;
    kept.users = Math.max(0, kept.users - n);
    kept.lastUsed = Date.now();
    // The next run may come after accounts changed: it starts fresh helpers for every user but the login user
    // and root, as each of its tasks would start its own sudo.
    if (kept.users === 0) kept.conn.retireBecomeHelpers();
  }

  private async stream(sock: Socket, req: Request, early: Buffer): Promise<void> {
    sock.pause();
    let upstream: Duplex | ExecStream;
    try {
      const conn = this.kept(req).conn;
      const opts = (req.opts ?? {}) as Record<string, unknown>;
      upstream =
        req.op === "execStream"
          ? await conn.execStream(String(req.command), opts)
          : req.op === "forward"
            ? await conn.forward(String(req.host), Number(req.port))
            : await conn.forwardSocket(String(req.path));
    } catch (e) {
      return void sock.end(`${JSON.stringify({ err: errorToWire(e) satisfies WireError })}\n`);
    }
    sock.write(`${JSON.stringify({ ok: true })}\n`);
    upstream.on("error", () => sock.destroy());
    sock.on("close", () => upstream.destroy());
    if (early.length) upstream.write(early);
    sock.on("data", (c: Buffer) => upstream.write(c));
    sock.on("end", () => upstream.end());
    sock.resume();
    const send = (b: Buffer) => {
      if (!sock.write(b)) {
        upstream.pause();
        sock.once("drain", () => upstream.resume());
      }
    };
    if (req.op !== "execStream") {
      upstream.on("data", send);
      upstream.on("end", () => sock.end());
      return;
    }
    const program = upstream as ExecStream;
    program.on("data", (c: Buffer) => send(frame(Frame.stdout, c)));
    program.stderr.on("data", (c: Buffer) => send(frame(Frame.stderr, c)));
    const stderrEnded = new Promise((resolve) => program.stderr.once("end", resolve));
    const stdoutEnded = new Promise((resolve) => program.once("end", resolve));
    program.exit.then(
      async (exit) => {
        await Promise.race([Promise.all([stderrEnded, stdoutEnded]), sleep(1000)]);
        sock.end(frame(Frame.exit, Buffer.from(JSON.stringify({ exit }))));
      },
      (e: unknown) => sock.end(frame(Frame.exit, Buffer.from(JSON.stringify({ err: errorToWire(e) })))),
    );
  }

  async closeAll(): Promise<void> {
    const all = [...this.byKey.values()];
    this.byKey.clear();
    this.byId.clear();
    await Promise.all(all.map((p) => p.then((k) => k.conn.close()).catch(() => {})));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when a master already answers on `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(path);
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Removes the sockets beside ours that nobody answers on (masters of other builds that were killed). */
async function sweepStaleSockets(ours: string): Promise<void> {
  const dir = dirname(ours);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === ours || !/^cm-[0-9a-f]+\.sock$/.test(name)) continue;
    if (!(await answers(path))) rmSync(path, { force: true });
  }
}

/** Listens on `path` until idle for `persistS` seconds; resolves when it is done. Quits at once if another runs. */
export async function serveControlMaster(path: string, persistS: number): Promise<void> {
  // Half-open: a program's stdin ends (the run's side is done writing) long before its output does.
  const server = createServer({ allowHalfOpen: true });
  let master: Master | undefined;
  server.on("connection", (sock: Socket) => master?.accept(sock));
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => (server.removeListener("error", reject), resolve()));
    });
  try {
    await listen();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || (await answers(path))) return;
    // A socket left by a master that died: take its place.
    unlinkSync(path);
    await listen();
  }
  const ino = statSync(path).ino;
  void sweepStaleSockets(path);
  await new Promise<void>((resolve) => {
    master = new Master(server, resolve, persistS);
    // Stopped (kill, shutdown): close the connections and take the socket along, as when idle.
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(signal, resolve);
  });
  server.close();
  try {
    // Only our own socket: a newer master may have taken the path meanwhile.
    if (statSync(path).ino === ino) unlinkSync(path);
  } catch {
    // gone already
  }
  await master!.closeAll();
}
