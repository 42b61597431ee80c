/**
 * One persistent SSH connection per host (ssh2). Every operation is one exec channel on it: no new TCP or SSH
 * handshake per task, so an operation costs about one round trip. Channels beyond `maxSessions` wait their turn.
 * A dropped connection rejects every pending operation at once with UnreachableError.
 */
import type { Duplex } from "node:stream";
// ssh2 is CommonJS: Node's ESM loader only gives its default export.
import ssh2, { type Client as ClientType, type ClientChannel } from "ssh2";
const { Client } = ssh2;
type Client = ClientType;
import { InfraError } from "../util/errors.js";
import { becomeCommand, type BecomeSession } from "./become.js";
import { UnreachableError } from "./errors.js";
import {
  defaultKnownHostsFiles,
  GLOBAL_KNOWN_HOSTS_FILES,
  hostKeyPolicy,
  type HostKeyPolicy,
} from "./host-key-policy.js";
import { OpShells } from "./op-shells.js";
import {
  collect,
  openStream,
  signalRc,
  type CollectedOutput,
  type ProcessExit,
  type RawProcess,
} from "./process-io.js";
import { execScript, getScript, putScript } from "./scripts.js";
import { shellQuote } from "./shell-words.js";
import { authPlan, type AuthOptions, type AuthPlan } from "./ssh-auth.js";
import { Slots } from "./slots.js";
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

export interface SshOptions extends Omit<AuthOptions, "user"> {
  /** Address to connect to (ansible_host). */
  host: string;
  port?: number;
  user: string;
  /** Name used in messages (the inventory hostname); defaults to host. */
  name?: string;
  /** Default 10 000 ms, like Ansible's timeout = 10. Covers TCP connect, handshake and authentication. */
  connectTimeoutMs?: number;
  /** SSH-level keepalive, so a silently dead link is noticed: default every 15 s, given up after 3 misses. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Default true: refuse unknown and changed host keys. "accept-new": record unknown ones, refuse changed ones. */
  hostKeyChecking?: boolean | "accept-new";
  /** Replaces ~/.ssh/known_hosts(2) (UserKnownHostsFile). */
  knownHostsFiles?: string[];
  /** Read as well as the others. */
  extraKnownHostsFiles?: string[];
  /** Default /etc/ssh/ssh_known_hosts(2). */
  globalKnownHostsFiles?: string[];
  /** Commands run at once on this connection (sshd's MaxSessions is 10 by default). Default 8. */
  maxSessions?: number;
  /** Default true: run operations through a helper process per become identity (op-shell.ts) where one starts. */
  operationHelpers?: boolean;
}

/** Turns an ssh2 connection failure into the one-line reason Ansible would show for UNREACHABLE. */
function connectFailure(
  name: string,
  opts: SshOptions,
  err: Error & { level?: string; code?: string },
  auth: AuthPlan,
  policy: HostKeyPolicy,
): UnreachableError {
  if (policy.refusal) return policy.refusal;
  const where = `${opts.host}:${opts.port ?? 22}`;
  const timeout = (opts.connectTimeoutMs ?? 10_000) / 1000;
  switch (err.level === "client-socket" ? err.code : err.level) {
    case "ECONNREFUSED":
      return new UnreachableError(name, `connection refused by ${where}`, {
        hint: "Is sshd running and listening on that port?",
        cause: err,
      });
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new UnreachableError(name, `could not resolve hostname ${opts.host}`, {
        hint: "Check ansible_host.",
        cause: err,
      });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new UnreachableError(name, `no route to host ${where}`, { cause: err });
    case "client-timeout":
    case "ETIMEDOUT":
      return new UnreachableError(name, `connection to ${where} timed out after ${timeout} s`, {
        hint: "Is the host up and the port open? Raise `timeout` in ansible.cfg for slow links.",
        cause: err,
      });
    case "client-authentication":
      return new UnreachableError(name, `permission denied for ${opts.user}@${where} (${auth.describe()})`, {
        hint: `Check ansible_user and ansible_ssh_private_key_file, and that the public key is in ~${opts.user}/.ssh/authorized_keys.`,
        cause: err,
      });
    default:
      return new UnreachableError(name, `could not connect to ${where}: ${err.message}`, { cause: err });
  }
}

/** Opens the connection; resolves once authenticated. Failures are UnreachableError (HostKeyError for host keys). */
export async function connectSsh(opts: SshOptions): Promise<SshConnection> {
  const name = opts.name ?? opts.host;
  const port = opts.port ?? 22;
  const auth = authPlan({ ...opts }, name);
  const files = [
    ...(opts.knownHostsFiles ?? defaultKnownHostsFiles()),
    ...(opts.extraKnownHostsFiles ?? []),
    ...(opts.globalKnownHostsFiles ?? GLOBAL_KNOWN_HOSTS_FILES),
  ];
  const policy = hostKeyPolicy({ host: opts.host, port, checking: opts.hostKeyChecking ?? true, files });
  const client = new Client();
  return new Promise<SshConnection>((resolve, reject) => {
    const onError = (err: Error & { level?: string }) => {
      if (err.level === "agent") return; // an unusable agent just means: try the next method
      client.removeListener("ready", onReady);
      client.removeListener("close", onClose);
      client.on("error", () => {});
      client.end();
      reject(connectFailure(name, opts, err, auth, policy));
    };
    const onClose = () =>
      onError(
        Object.assign(new Error("connection closed by the remote host during the handshake"), {
          level: "protocol",
        }),
      );
    const onReady = () => {
      client.removeListener("error", onError);
      client.removeListener("close", onClose);
      resolve(new SshConnection(name, client, opts.maxSessions ?? 8, opts.operationHelpers ?? true));
    };
    client.on("error", onError).once("ready", onReady).once("close", onClose);
    // Small request/reply packets: don't let Nagle hold one back waiting for an ACK.
    client.once("connect", () => client.setNoDelay(true));
    client.connect({
      host: opts.host,
      port,
      username: opts.user,
      readyTimeout: opts.connectTimeoutMs ?? 10_000,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      algorithms: { serverHostKey: policy.algorithms as never },
      hostVerifier: (key: Buffer) => policy.verify(key),
      authHandler: auth.handler,
    });
  });
}

/** The server would not open another session channel (MaxSessions reached, or refused outright). */
class SessionRefused extends InfraError {
  constructor(host: string, cause: Error) {
    super(`${host}: the server refused a new session: ${cause.message}`, { cause });
  }
}

/** How long `close` waits for the server to close its end after our disconnect. */
const CLOSE_GRACE_MS = 50;

export class SshConnection implements Connection {
  readonly stats: ConnectionStats = { roundTrips: 0, bytesSent: 0 };
  private dead?: UnreachableError;
  private readonly onDrop = new Set<(e: UnreachableError) => void>();
  private readonly slots: Slots;
  private readonly helpers: OpShells;

  constructor(
    readonly host: string,
    private readonly client: Client,
    maxSessions: number,
    operationHelpers = true,
  ) {
    this.slots = new Slots(maxSessions);
    this.helpers = new OpShells(host, (command, become) => this.startHelper(command, become), {
      maxHelpers: operationHelpers ? Math.max(0, Math.min(3, maxSessions - 2)) : 0,
    });
    let lastError: Error | undefined;
    client.on("error", (e) => (lastError = e));
    const drop = () => {
      const why = lastError
        ? `connection lost: ${lastError.message}`
        : "connection closed by the remote host";
      this.markDead(new UnreachableError(host, why, { cause: lastError }));
    };
    client.on("end", drop).on("close", drop);
  }

  /** From now on every pending and future operation fails with `err`. */
  private markDead(err: UnreachableError): void {
    if (this.dead) return;
    this.dead = err;
    for (const reject of [...this.onDrop]) reject(err);
    this.onDrop.clear();
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Calls `reject` if the connection drops before the returned function is called. */
  private watchDrop(reject: (e: UnreachableError) => void): () => void {
    if (this.dead) {
      reject(this.dead);
      return () => {};
    }
    this.onDrop.add(reject);
    return () => this.onDrop.delete(reject);
  }

  private countSent(n: number): void {
    this.stats.roundTrips++;
    this.stats.bytesSent += n;
  }

  /** Opens one exec channel running `command` under /bin/sh (sshd would use the login shell otherwise). */
  private async start(command: string, counted = true): Promise<RawProcess> {
    const wire = `/bin/sh -c ${shellQuote(command)}`;
    for (;;) {
      await this.slots.acquire();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.slots.release();
      };
      const busy = this.slots.inUse;
      try {
        if (this.dead) throw this.dead;
        return await this.open(wire, release, counted);
      } catch (e) {
        release();
        // A server with MaxSessions below our limit refuses the extra channel: run fewer at once and retry.
        // Helpers hold sessions of their own: give them back before running fewer at once.
        if (e instanceof SessionRefused && this.helpers.running > 0) {
          this.helpers.closeAll({ drain: true });
          continue;
        }
        if (e instanceof SessionRefused && busy > 1) {
          this.slots.lower(busy - 1);
          continue;
        }
        throw e;
      }
    }
  }

  private open(wire: string, release: () => void, counted: boolean): Promise<RawProcess> {
    if (counted) this.countSent(Buffer.byteLength(wire));
    return new Promise<RawProcess>((resolve, reject) => {
      const unwatch = this.watchDrop(reject);
      this.client.exec(wire, (err, channel) => {
        unwatch();
        if (err) return reject(this.dead ?? new SessionRefused(this.host, err));
        // Synchronously: exit-status and close may arrive in the same packet batch as the exec reply.
        resolve(this.channelProcess(channel, release));
      });
    });
  }

  private channelProcess(channel: ClientChannel, release: () => void): RawProcess {
    let exit: ProcessExit | undefined;
    channel.on("exit", (code: number | null, signal?: string) => {
      exit = code !== null && code !== undefined ? { rc: code } : { rc: signalRc(signal ?? ""), signal };
    });
    const done = new Promise<ProcessExit>((resolve, reject) => {
      const unwatch = this.watchDrop((e) => (release(), reject(e)));
      channel.once("close", () => {
        unwatch();
        release();
        if (exit) resolve(exit);
        else reject(this.dead ?? new InfraError(`${this.host}: the command ended without an exit status`));
      });
    });
    done.catch(() => {});
    return {
      stdin: channel,
      stdout: channel,
      stderr: channel.stderr,
      done,
      kill: () => {
        channel.signal("KILL");
        channel.close();
      },
    };
  }

  private wrap(script: string, become: ExecOptions["become"]): { command: string; become?: BecomeSession } {
    if (!become) return { command: script };
    const session = becomeCommand(script, become, this.host);
    return { command: session.command, become: session };
  }

  /**
   * Runs one script to its end: through the host's operation helper when one is free or about to be (no sshd
   * session, no sudo), otherwise on a channel of its own. Timed commands always get a channel, which can be killed.
   */
  private async runScript(
    script: string,
    opts: { become?: ExecOptions["become"]; input?: string | Buffer; timeoutMs?: number },
  ): Promise<CollectedOutput> {
    const bytes = Buffer.byteLength(script) + (opts.input === undefined ? 0 : Buffer.byteLength(opts.input));
    if (opts.timeoutMs === undefined && !this.dead) {
      const helper = await this.helpers.acquire(opts.become);
      if (helper) {
        this.countSent(bytes);
        try {
          return await helper.run(script, opts.input);
        } catch (e) {
          throw this.dead ?? e;
        }
      }
    }
    const { command: wire, become } = this.wrap(script, opts.become);
    const proc = await this.start(wire);
    this.stats.bytesSent += bytes - Buffer.byteLength(script);
    return collect(proc, { host: this.host, input: opts.input, become, timeoutMs: opts.timeoutMs });
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const out = await this.runScript(execScript(command, opts), {
      become: opts.become,
      input: opts.stdin,
      timeoutMs: opts.timeoutMs,
    });
    return {
      rc: out.rc,
      stdout: out.stdout.toString("utf8"),
      stderr: out.stderr,
      ...(out.signal ? { signal: out.signal } : {}),
    };
  }

  async python(code: string, opts: { become?: Become } = {}): Promise<ExecResult | undefined> {
    if (this.dead) throw this.dead;
    const helper = await this.helpers.acquire(opts.become);
    if (!helper) return undefined;
    this.countSent(Buffer.byteLength(code));
    try {
      const out = await helper.runPython(code);
      return { rc: out.rc, stdout: out.stdout.toString("utf8"), stderr: out.stderr };
    } catch (e) {
      throw this.dead ?? e;
    }
  }

  warm(become?: Become): void {
    if (this.alive) this.helpers.warm(become);
  }

  refreshBecome(): void {
    this.helpers.restartBecome();
  }

  /** Between two runs over a kept connection (control-master.ts): retires the helpers of users other than root. */
  retireBecomeHelpers(): void {
    this.helpers.restartBecome({ keepRoot: true });
  }

  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const script = putScript(path, opts, Buffer.byteLength(content));
    const out = await this.runScript(script, { become: opts.become, input: content });
    if (out.rc !== 0)
      throw new InfraError(`${this.host}: could not write ${path}: ${out.stderr.trim() || `rc ${out.rc}`}`);
  }

  async get(path: string, opts: GetOptions = {}): Promise<Buffer> {
    const out = await this.runScript(getScript(path), { become: opts.become });
    if (out.rc !== 0)
      throw new InfraError(`${this.host}: could not read ${path}: ${out.stderr.trim() || `rc ${out.rc}`}`);
    return out.stdout;
  }

  async execStream(
    command: string,
    opts: Omit<ExecOptions, "stdin" | "timeoutMs"> = {},
  ): Promise<ExecStream> {
    const { command: wire, become } = this.wrap(execScript(command, opts), opts.become);
    return openStream(await this.start(wire), become);
  }

  /** Starts an operation helper: a channel of its own, counted apart from the operations it will serve. */
  private async startHelper(command: string, become: Become | undefined): Promise<ExecStream> {
    this.stats.helpers = (this.stats.helpers ?? 0) + 1;
    const { command: wire, become: session } = this.wrap(command, become);
    return openStream(await this.start(wire, false), session);
  }

  forward(host: string, port: number): Promise<Duplex> {
    return this.openForward(`a tunnel to ${host}:${port}`, (cb) =>
      this.client.forwardOut("127.0.0.1", 0, host, port, cb),
    );
  }

  forwardSocket(path: string): Promise<Duplex> {
    return this.openForward(`a stream to ${path}`, (cb) =>
      this.client.openssh_forwardOutStreamLocal(path, cb),
    );
  }

  /** Opens a forwarding channel (one round trip); `what` names it in the error. */
  private openForward(
    what: string,
    open: (cb: (err: Error | undefined, channel: Duplex) => void) => void,
  ): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.countSent(0);
      const unwatch = this.watchDrop(reject);
      open((err, channel) => {
        unwatch();
        if (err)
          return reject(
            this.dead ??
              new InfraError(`${this.host}: could not open ${what}: ${err.message}`, { cause: err }),
          );
        resolve(channel);
      });
    });
  }

  close(): Promise<void> {
    if (this.dead) return Promise.resolve();
    this.helpers.closeAll();
    this.markDead(new UnreachableError(this.host, "connection closed"));
    // The disconnect goes out at once; the server's own teardown (its sessions' end, PAM) is its business: wait
    // for it a moment, not all of it (with 50 hosts that wait came after the recap and took 0.15 s).
    return new Promise((resolve) => {
      const grace = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
      this.client.once("close", () => {
        clearTimeout(grace);
        resolve();
      });
      this.client.end();
    });
  }
}
