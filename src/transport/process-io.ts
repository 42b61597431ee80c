/**
 * What SSH channels and local child processes have in common, and the one piece of code that drives either:
 * feed stdin (after sudo is answered), collect stdout/stderr, enforce the timeout, turn sudo refusals into
 * BecomeError. Keeping it here means ssh.ts and local.ts only know how to start a process.
 */
import { constants } from "node:os";
import { Duplex, PassThrough, type Readable, type Writable } from "node:stream";
import type { BecomeSession } from "./become.js";
import { CommandTimeoutError } from "./errors.js";
import type { ExecStream } from "./types.js";

export interface ProcessExit {
  rc: number;
  signal?: string;
}

/** A started program. `done` settles once it exited and its output streams ended (or rejects if the link died). */
export interface RawProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly done: Promise<ProcessExit>;
  kill(): void;
}

export interface CollectedOutput extends ProcessExit {
  stdout: Buffer;
  stderr: string;
}

/** rc the way a shell reports a signal death: 128 + the signal's number. */
export function signalRc(signal: string): number {
  const n = (constants.signals as Record<string, number>)[signal.startsWith("SIG") ? signal : `SIG${signal}`];
  return n === undefined ? -1 : 128 + n;
}

/**
 * Routes stderr through the become gate until sudo let the command run. Calls `onOpen` once the command runs
 * (immediately without become), and `onRefused` if sudo says no.
 */
function watchBecome(
  proc: RawProcess,
  become: BecomeSession | undefined,
  onStderr: (chunk: Buffer) => void,
  onOpen: () => void,
  onRefused: (err: Error) => void,
): void {
  if (!become) {
    proc.stderr.on("data", onStderr);
    onOpen();
    return;
  }
  proc.stderr.on("data", (chunk: Buffer) => {
    if (become.gate.opened) return onStderr(chunk);
    const step = become.gate.feed(chunk);
    if (step.kind === "send-password") proc.stdin.write(step.data);
    else if (step.kind === "refused") onRefused(step.error);
    else if (step.kind === "opened") {
      if (step.rest.length > 0) onStderr(step.rest);
      onOpen();
    }
  });
}

/** Runs a started process to its end and gathers what it printed. */
export function collect(
  proc: RawProcess,
  opts: { host: string; input?: string | Buffer; become?: BecomeSession; timeoutMs?: number },
): Promise<CollectedOutput> {
  return new Promise<CollectedOutput>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      fn();
    };
    const fail = (e: Error) => finish(() => (proc.kill(), reject(e)));
    const timer =
      opts.timeoutMs !== undefined && opts.timeoutMs > 0
        ? setTimeout(() => fail(new CommandTimeoutError(opts.host, opts.timeoutMs!)), opts.timeoutMs)
        : undefined;

    // A program that exits without reading its stdin makes the write fail (EPIPE); that is not our error.
    proc.stdin.on("error", () => {});
    proc.stdout.on("data", (c: Buffer) => out.push(c));
    let inputWritten = false;
    const writeInput = () => {
      if (inputWritten) return;
      inputWritten = true;
      if (opts.input !== undefined && opts.input.length > 0) proc.stdin.end(opts.input);
      else proc.stdin.end();
    };
    watchBecome(
      proc,
      opts.become,
      (c) => err.push(c),
      // With a password, input waits until sudo has been answered and let the command run.
      () => writeInput(),
      fail,
    );
    if (!opts.become?.holdsInput) writeInput();

    proc.done.then(
      ({ rc, signal }) =>
        finish(() => {
          if (opts.become && !opts.become.gate.opened) return reject(opts.become.gate.failure(rc));
          resolve({ rc, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") });
        }),
      (e: Error) => finish(() => reject(e)),
    );
  });
}

/** The program's stdin (writes) and stdout (reads) as one Duplex, with stderr and the exit status beside it. */
class ProcessStream extends Duplex implements ExecStream {
  readonly exit: Promise<ProcessExit>;

  constructor(
    private readonly proc: RawProcess,
    readonly stderr: Readable,
  ) {
    super();
    this.exit = proc.done;
    // The link died (or the connection was closed under a stream nobody reads yet, e.g. a helper still being
    // started at the end of a run): with no 'error' listener an error would crash the process, so then the stream
    // just closes; `exit` still rejects with the reason.
    this.exit.catch((e: Error) => this.destroy(this.listenerCount("error") > 0 ? e : undefined));
    proc.stdin.on("error", (e) => this.destroy(e));
    proc.stdout.on("data", (c: Buffer) => {
      if (!this.push(c)) proc.stdout.pause();
    });
    proc.stdout.on("end", () => this.push(null));
  }

  override _read(): void {
    this.proc.stdout.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.proc.stdin.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.proc.stdin.end(cb);
  }

  override _destroy(e: Error | null, cb: (e: Error | null) => void): void {
    this.proc.kill();
    cb(e);
  }
}

/**
 * Hands a started process over as a stream once the command runs (after sudo, when there is one), so a sudo
 * refusal rejects here instead of surfacing as garbage on the stream.
 */
export function openStream(proc: RawProcess, become: BecomeSession | undefined): Promise<ExecStream> {
  return new Promise<ExecStream>((resolve, reject) => {
    const stderr = new PassThrough();
    let opened = false;
    proc.stdout.pause();
    proc.stderr.on("end", () => stderr.end());
    watchBecome(
      proc,
      become,
      (c) => stderr.write(c),
      () => {
        opened = true;
        resolve(new ProcessStream(proc, stderr));
      },
      (e) => {
        proc.kill();
        reject(e);
      },
    );
    proc.done.then(
      ({ rc }) => {
        if (!opened && become) reject(become.gate.failure(rc));
      },
      (e: Error) => {
        if (!opened) reject(e);
      },
    );
  });
}
