/**
 * A run's side of the control master (control-master.ts): `connectKept` asks the user's master for a host's
 * connection (control-link.ts starts the master first when none runs) and hands back a Connection that forwards
 * every operation to it. Whatever goes wrong with the master itself (cannot start, socket refused, broke off while
 * connecting) makes the run connect directly instead: the master may only ever make a run faster, never fail it.
 * What the host says (unreachable, host key refused, permission denied) is the run's answer either way.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, Writable, type Duplex } from "node:stream";
import { dial, link, MasterUnavailable, type ControlLink } from "./control-link.js";
import { controlSocketPath } from "./control-path.js";
import { errorFromWire, Frame, FrameReader, type WireError } from "./control-wire.js";
import { UnreachableError } from "./errors.js";
import { defaultKnownHostsFiles, GLOBAL_KNOWN_HOSTS_FILES } from "./host-key-policy.js";
import { openStream, type ProcessExit, type RawProcess } from "./process-io.js";
import { connectSsh, type SshOptions } from "./ssh.js";
import type {
  Become,
  Connection,
  ConnectionStats,
  ExecOptions,
  ExecResult,
  ExecStream,
  GetOptions,
  PutOptions,
} from "./types.js";

/**
 * The options as the master must use them, whatever its own working directory, home and environment: paths made
 * absolute and defaults filled in. And the key the master keeps the connection under: those options and the
 * contents of the files they name, hashed (a changed known_hosts or key file makes a new connection).
 */
function pinned(opts: SshOptions): { opts: SshOptions; key: string } {
  const abs = (p: string) => resolve(p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(2)) : p);
  const out: SshOptions = {
    ...opts,
    knownHostsFiles: (opts.knownHostsFiles ?? defaultKnownHostsFiles()).map(abs),
    extraKnownHostsFiles: (opts.extraKnownHostsFiles ?? []).map(abs),
    globalKnownHostsFiles: (opts.globalKnownHostsFiles ?? GLOBAL_KNOWN_HOSTS_FILES).map(abs),
    agent: opts.agent ?? process.env.SSH_AUTH_SOCK ?? false,
    operationHelpers: (opts.operationHelpers ?? true) && process.env.INFRA_OP_HELPER !== "0",
  };
  if (opts.privateKeyPath) out.privateKeyPath = abs(opts.privateKeyPath);
  else
    out.identityFiles = (
      opts.identityFiles ?? ["id_ed25519", "id_ecdsa", "id_rsa"].map((f) => join(homedir(), ".ssh", f))
    ).map(abs);
  const hash = createHash("sha256").update(JSON.stringify(out));
  const files = [
    ...out.knownHostsFiles!,
    ...out.extraKnownHostsFiles!,
    ...out.globalKnownHostsFiles!,
    ...(out.privateKeyPath ? [out.privateKeyPath] : out.identityFiles!),
  ];
  for (const f of files) {
    hash.update(`\0${f}\0`);
    try {
      hash.update(readFileSync(f));
    } catch (e) {
      hash.update(`missing:${(e as NodeJS.ErrnoException).code}`);
    }
  }
  return { opts: out, key: hash.digest("hex") };
}

/**
 * The connection for `opts` through the user's control master (persisting `persistS` seconds after this run), or
 * a direct one when the master cannot be used. INFRA_CONTROL_MASTER=0 always connects directly.
 */
export async function connectKept(opts: SshOptions, persistS: number): Promise<Connection> {
  const path = process.env.INFRA_CONTROL_MASTER === "0" ? undefined : controlSocketPath();
  if (!path) return connectSsh(opts);
  const { opts: sent, key } = pinned(opts);
  let l: ControlLink;
  try {
    l = await link(path, persistS);
  } catch {
    return connectSsh(opts);
  }
  l.hold();
  try {
    const reply = (await l.request("connect", { key, opts: sent, persistS })) as { conn: string };
    return new KeptConnection(opts.name ?? opts.host, l, reply.conn);
  } catch (e) {
    l.letGo();
    if (e instanceof MasterUnavailable) return connectSsh(opts);
    throw e;
  }
}

const b64 = (v: string | Buffer) => Buffer.from(v).toString("base64");

/** A host's connection kept by the master; every operation is one request on the link. */
class KeptConnection implements Connection {
  readonly stats: ConnectionStats = { roundTrips: 0, bytesSent: 0 };
  private dead?: Error;

  constructor(
    readonly host: string,
    private readonly link: ControlLink,
    private readonly id: string,
  ) {}

  get alive(): boolean {
    return this.dead === undefined && this.link.alive;
  }

  private async call<T>(op: string, fields: Record<string, unknown>, bytes: number): Promise<T> {
    if (this.dead) throw this.dead;
    this.stats.roundTrips++;
    this.stats.bytesSent += bytes;
    try {
      return (await this.link.request(op, { conn: this.id, ...fields })) as T;
    } catch (e) {
      if (e instanceof MasterUnavailable) {
        this.dead = new UnreachableError(this.host, "connection lost: the control master went away", {
          hint: "Run again: the next run connects afresh.",
        });
        throw this.dead;
      }
      if (e instanceof UnreachableError) {
        // The master's own refusals name no host: this connection's is the one to report.
        this.dead = e.host ? e : new UnreachableError(this.host, e.reason, { hint: e.hint });
        throw this.dead;
      }
      throw e;
    }
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const { stdin, ...rest } = opts;
    const input = stdin === undefined ? {} : { stdin: b64(stdin) };
    return this.call("exec", { command, opts: { ...rest, ...input } }, command.length + (stdin?.length ?? 0));
  }

  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    await this.call("put", { path, content: b64(content), opts }, content.length);
  }

  async get(path: string, opts: GetOptions = {}): Promise<Buffer> {
    return Buffer.from(await this.call<string>("get", { path, opts }, path.length), "base64");
  }

  async python(code: string, opts: { become?: Become } = {}): Promise<ExecResult | undefined> {
    const fields = this.link.sharedPart(code);
    return (await this.call<ExecResult | null>("python", { ...fields, opts }, code.length)) ?? undefined;
  }

  warm(become?: Become): void {
    if (this.alive) this.link.request("warm", { conn: this.id, become }).catch(() => {});
  }

  refreshBecome(): void {
    if (this.alive) this.link.request("refreshBecome", { conn: this.id }).catch(() => {});
  }

  async execStream(
    command: string,
    opts: Omit<ExecOptions, "stdin" | "timeoutMs"> = {},
  ): Promise<ExecStream> {
    const sock = await this.openStream({ op: "execStream", command, opts }, command.length);
    return openStream(programOver(sock, this.host), undefined);
  }

  forward(host: string, port: number): Promise<Duplex> {
    return this.openStream({ op: "forward", host, port }, 0);
  }

  forwardSocket(path: string): Promise<Duplex> {
    return this.openStream({ op: "forwardSocket", path }, 0);
  }

  /** A socket of its own to the master, past the reply line: the stream's bytes follow. */
  private async openStream(req: Record<string, unknown>, bytes: number): Promise<Socket> {
    if (this.dead) throw this.dead;
    this.stats.roundTrips++;
    this.stats.bytesSent += bytes;
    let sock: Socket;
    try {
      sock = await dial(this.link.path);
    } catch {
      throw new UnreachableError(this.host, "connection lost: the control master went away");
    }
    return new Promise<Socket>((resolve, reject) => {
      const lost = () =>
        reject(new UnreachableError(this.host, "connection lost: the control master went away"));
      let head: Buffer = Buffer.alloc(0);
      // Read with 'readable', not 'data': once its listener is gone the socket is neither flowing nor paused, so
      // the caller's own 'data' listener or pipe starts the flow and no byte of the stream is lost meanwhile.
      const onReadable = () => {
        for (let chunk: Buffer | null; (chunk = sock.read() as Buffer | null) !== null;) {
          head = Buffer.concat([head, chunk]);
          const nl = head.indexOf(10);
          if (nl < 0) continue;
          sock.removeListener("readable", onReadable);
          sock.removeListener("close", lost);
          if (nl + 1 < head.length) sock.unshift(head.subarray(nl + 1));
          const reply = JSON.parse(head.subarray(0, nl).toString("utf8")) as {
            ok?: boolean;
            err?: WireError;
          };
          if (reply.err) return (sock.destroy(), reject(errorFromWire(reply.err)));
          return resolve(sock);
        }
      };
      sock.on("readable", onReadable);
      sock.once("close", lost);
      sock.write(`${JSON.stringify({ ...req, conn: this.id })}\n`);
    });
  }

  /** The master closes the host's kept connection too, so that the next run logs in again. */
  reset(): Promise<void> {
    return this.end("reset");
  }

  /** Lets go of the kept connection; the master keeps it for the next run. */
  close(): Promise<void> {
    return this.end("release");
  }

  private async end(op: "reset" | "release"): Promise<void> {
    if (this.dead) return;
    this.dead = new UnreachableError(this.host, "connection closed");
    await this.link.request(op, { conn: this.id }).catch(() => {});
    this.link.letGo();
  }
}

/** A program's stdin/stdout/stderr/exit, as the master frames them on a stream socket (control-wire.ts). */
function programOver(sock: Socket, host: string): RawProcess {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let settle!: { resolve: (e: ProcessExit) => void; reject: (e: Error) => void };
  const done = new Promise<ProcessExit>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => {});
  let finished = false;
  const reader = new FrameReader((kind, payload) => {
    if (kind === Frame.stdout) stdout.write(payload);
    else if (kind === Frame.stderr) stderr.write(payload);
    else if (kind === Frame.exit) {
      // stdout ends here, with the exit status, not at the program's EOF: a stream whose both sides are done
      // destroys itself, and its kill() would close the socket before the status arrived.
      finished = true;
      const msg = JSON.parse(payload.toString("utf8")) as { exit?: ProcessExit; err?: WireError };
      stdout.end();
      stderr.end();
      if (msg.exit) settle.resolve(msg.exit);
      else settle.reject(errorFromWire(msg.err ?? { name: "Error", message: "no exit status" }));
    }
  });
  sock.on("data", (c: Buffer) => reader.push(c));
  sock.resume();
  sock.on("error", () => {});
  sock.on("close", () => {
    if (finished) return;
    stdout.end();
    stderr.end();
    settle.reject(new UnreachableError(host, "connection lost: the control master went away"));
  });
  const stdin = new Writable({
    write: (chunk: Buffer, _enc, cb) => void sock.write(chunk, (e) => cb(e ?? null)),
    final: (cb) => void sock.end(() => cb()),
  });
  return { stdin, stdout, stderr, done, kill: () => sock.destroy() };
}
