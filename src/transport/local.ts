/**
 * The control machine itself (`connection: local`, `delegate_to: localhost`): the same scripts as over SSH, run by
 * a local /bin/sh, so put stays atomic and become goes through sudo exactly as on a remote host.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { InfraError } from "../util/errors.js";
import { becomeCommand, type BecomeSession } from "./become.js";
import { collect, openStream, signalRc, type ProcessExit, type RawProcess } from "./process-io.js";
import { execScript, getScript, putScript } from "./scripts.js";
import type {
  Connection,
  ConnectionStats,
  ExecOptions,
  ExecResult,
  ExecStream,
  GetOptions,
  PutOptions,
} from "./types.js";

export interface LocalOptions {
  /** Name used in messages (the inventory hostname); default "localhost". */
  name?: string;
  /** Environment the commands start from; default this process's. */
  env?: NodeJS.ProcessEnv;
}

export class LocalConnection implements Connection {
  readonly host: string;
  readonly stats: ConnectionStats = { roundTrips: 0, bytesSent: 0 };
  private closed = false;
  private readonly running = new Set<RawProcess>();

  constructor(private readonly opts: LocalOptions = {}) {
    this.host = opts.name ?? "localhost";
  }

  get alive(): boolean {
    return !this.closed;
  }

  private start(script: string): RawProcess {
    if (this.closed) throw new InfraError(`${this.host}: the local connection is closed`);
    this.stats.roundTrips++;
    this.stats.bytesSent += Buffer.byteLength(script);
    // Own process group, so a timeout kills the command's children too.
    const child = spawn("/bin/sh", ["-c", script], { detached: true, env: this.opts.env ?? process.env });
    const done = new Promise<ProcessExit>((resolve, reject) => {
      child.once("error", (e) =>
        reject(new InfraError(`${this.host}: cannot run /bin/sh: ${e.message}`, { cause: e })),
      );
      child.once("close", (code, signal) => {
        this.running.delete(proc);
        resolve(code !== null ? { rc: code } : { rc: signalRc(signal ?? ""), signal: signal ?? undefined });
      });
    });
    done.catch(() => {});
    const proc: RawProcess = {
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      done,
      kill: () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      },
    };
    this.running.add(proc);
    return proc;
  }

  private wrap(script: string, become: ExecOptions["become"]): { command: string; become?: BecomeSession } {
    if (!become) return { command: script };
    const session = becomeCommand(script, become, this.host);
    return { command: session.command, become: session };
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const { command: script, become } = this.wrap(execScript(command, opts), opts.become);
    const proc = this.start(script);
    if (opts.stdin !== undefined) this.stats.bytesSent += Buffer.byteLength(opts.stdin);
    const out = await collect(proc, {
      host: this.host,
      input: opts.stdin,
      become,
      timeoutMs: opts.timeoutMs,
    });
    return {
      rc: out.rc,
      stdout: out.stdout.toString("utf8"),
      stderr: out.stderr,
      ...(out.signal ? { signal: out.signal } : {}),
    };
  }

  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const { command: script, become } = this.wrap(
      putScript(path, opts, Buffer.byteLength(content)),
      opts.become,
    );
    const proc = this.start(script);
    this.stats.bytesSent += Buffer.byteLength(content);
    const out = await collect(proc, { host: this.host, input: content, become });
    if (out.rc !== 0)
      throw new InfraError(`${this.host}: could not write ${path}: ${out.stderr.trim() || `rc ${out.rc}`}`);
  }

  async get(path: string, opts: GetOptions = {}): Promise<Buffer> {
    const { command: script, become } = this.wrap(getScript(path), opts.become);
    const out = await collect(this.start(script), { host: this.host, become });
    if (out.rc !== 0)
      throw new InfraError(`${this.host}: could not read ${path}: ${out.stderr.trim() || `rc ${out.rc}`}`);
    return out.stdout;
  }

  async execStream(
    command: string,
    opts: Omit<ExecOptions, "stdin" | "timeoutMs"> = {},
  ): Promise<ExecStream> {
    const { command: script, become } = this.wrap(execScript(command, opts), opts.become);
    return openStream(this.start(script), become);
  }

  /** A plain TCP connection: on the local host, "from the remote host" is from here. */
  forward(host: string, port: number): Promise<Duplex> {
    this.stats.roundTrips++;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once("connect", () => resolve(socket));
      socket.once("error", (e) =>
        reject(new InfraError(`${this.host}: cannot connect to ${host}:${port}: ${e.message}`)),
      );
    });
  }

  /** Kills what still runs (a closed connection must not leave commands behind). */
  async close(): Promise<void> {
    this.closed = true;
    for (const proc of this.running) proc.kill();
    await Promise.allSettled([...this.running].map((p) => p.done));
  }
}
