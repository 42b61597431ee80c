/**
 * A run's control link (control-client.ts uses it): one unix socket to the user's control master per process,
 * requests matched to replies by id, the master started when none answers. The link keeps the process alive only
 * while requests are pending, and ends with the last connection that holds it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { connect as netConnect, type Socket } from "node:net";
import { masterCommand } from "./control-path.js";
import { errorFromWire, LineSplitter, type WireError } from "./control-wire.js";

/** How long a run waits for a master it started to listen (Node's start: ~0.1 s) before connecting directly. */
const START_WAIT_MS = 3_000;

/** The master is unusable (as opposed to the host): the caller connects directly. */
export class MasterUnavailable extends Error {}

/** The control link of this process: one socket to the master, requests matched to replies by id. */
export class ControlLink {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private users = 0;
  /** Shared parts of helper programs the master has from this link. */
  private readonly sharedSent = new Set<string>();
  private closedBy?: Error;

  constructor(
    readonly path: string,
    private readonly sock: Socket,
    private readonly onGone: () => void,
  ) {
    const lines = new LineSplitter((line) => {
      let reply: { id: number; ok?: unknown; err?: WireError };
      try {
        reply = JSON.parse(line) as typeof reply;
      } catch {
        return void sock.destroy(); // not our master's speech: every pending request falls back
      }
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.err) p.reject(errorFromWire(reply.err));
      else p.resolve(reply.ok);
      this.settle();
    });
    sock.on("data", (c: Buffer) => lines.push(c));
    sock.on("error", () => {});
    sock.on("close", () => {
      this.closedBy = new MasterUnavailable("the control master closed the link");
      for (const p of this.pending.values()) p.reject(this.closedBy);
      this.pending.clear();
      onGone();
    });
    sock.unref();
  }

  get alive(): boolean {
    return this.closedBy === undefined;
  }

  request(op: string, fields: Record<string, unknown>): Promise<unknown> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sock.ref();
      this.sock.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
  }

  /**
   * A helper program's fields for a python request. The part before a NUL is the same text on every call of a
   * module (op-shell.ts): it crosses the link once, later calls name it by its hash.
   */
  sharedPart(code: string): { code: string; shared?: string; sharedId?: string } {
    const nul = code.indexOf("\0");
    if (nul < 0) return { code };
    const shared = code.slice(0, nul);
    const sharedId = createHash("sha256").update(shared).digest("base64url").slice(0, 22);
    const call = code.slice(nul + 1);
    if (this.sharedSent.has(sharedId)) return { code: call, sharedId };
    this.sharedSent.add(sharedId);
    return { code: call, shared, sharedId };
  }

  hold(): void {
    this.users++;
  }

  /** A connection let go: the link ends with the last one, so a finished run's process can exit. */
  letGo(): void {
    this.users--;
    this.settle();
  }

  /** Only pending requests keep the process alive; the link ends once nothing uses it. */
  private settle(): void {
    if (this.pending.size > 0) return;
    if (this.users <= 0 && this.alive) {
      this.closedBy = new MasterUnavailable("the control link was closed");
      this.sock.end();
      this.onGone();
    }
    this.sock.unref();
  }
}

/** This process's link per socket path, while it lasts. */
const links = new Map<string, Promise<ControlLink>>();

export function dial(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ path, allowHalfOpen: true });
    sock.once("connect", () => (sock.removeListener("error", reject), resolve(sock)));
    sock.once("error", reject);
  });
}

/** A socket to the master on `path`, starting one when none answers. */
async function dialOrStart(path: string, persistS: number): Promise<Socket> {
  try {
    return await dial(path);
  } catch {
    const { file, args } = masterCommand(path, persistS);
    // In "/", so that it keeps no run's working directory busy; detached, so that it outlives the run.
    const child = spawn(file, args, { detached: true, stdio: "ignore", cwd: "/" });
    child.on("error", () => {});
    child.unref();
    const until = Date.now() + START_WAIT_MS;
    for (;;) {
      await new Promise((r) => setTimeout(r, 15));
      try {
        return await dial(path);
      } catch (e) {
        if (Date.now() > until) throw new MasterUnavailable(`no control master: ${(e as Error).message}`);
      }
    }
  }
}

export function link(path: string, persistS: number): Promise<ControlLink> {
  const known = links.get(path);
  if (known) return known;
  const gone = () => links.get(path) === p && links.delete(path);
  const p = dialOrStart(path, persistS).then((sock) => new ControlLink(path, sock, gone));
  links.set(path, p);
  p.catch(gone);
  return p;
}
