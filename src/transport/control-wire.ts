/**
 * What a run and its control master (control-master.ts) say to each other over the master's unix socket.
 *
 * The control link, one socket per run: JSON lines both ways. A request `{"id", "op", ...}` gets one reply
 * `{"id", "ok": value}` or `{"id", "err": WireError}`; byte strings (file contents, stdin, stdout) travel as base64.
 * A stream (execStream, forward, forwardSocket) gets a socket of its own: one JSON request line, one reply line,
 * then the bytes. A forward's are raw both ways; a program's output comes back in frames, [kind][length][bytes],
 * so that stdout, stderr and the exit status stay apart, while its stdin goes up raw (half-closing it is EOF).
 */
import { InfraError } from "../util/errors.js";
import { BecomeError, CommandTimeoutError, HostKeyError, UnreachableError } from "./errors.js";

/** An error as it crosses the socket: enough to raise the same class with the same words on the other side. */
export interface WireError {
  name: string;
  message: string;
  hint?: string;
  exitCode?: number;
  host?: string;
  reason?: string;
  timeoutMs?: number;
}

export function errorToWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const out: WireError = { name: e.name, message: e.message };
  if (e instanceof InfraError) {
    if (e.hint !== undefined) out.hint = e.hint;
    out.exitCode = e.exitCode;
  }
  if (e instanceof UnreachableError) Object.assign(out, { host: e.host, reason: e.reason });
  if (e instanceof CommandTimeoutError) Object.assign(out, { host: e.host, timeoutMs: e.timeoutMs });
  return out;
}

export function errorFromWire(w: WireError): Error {
  switch (w.name) {
    case "HostKeyError":
      return new HostKeyError(w.host ?? "", w.reason ?? w.message, w.hint ?? "");
    case "UnreachableError":
      return new UnreachableError(w.host ?? "", w.reason ?? w.message, { hint: w.hint });
    case "CommandTimeoutError":
      return new CommandTimeoutError(w.host ?? "", w.timeoutMs ?? 0);
    case "BecomeError":
      return new BecomeError(w.message, w.hint);
    default:
      return w.exitCode === undefined
        ? new Error(w.message)
        : new InfraError(w.message, { hint: w.hint, exitCode: w.exitCode });
  }
}

/** Calls `onLine` for each complete line; `rest()` hands back what came after the last one (a stream's bytes). */
export class LineSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const line = this.buffer.subarray(0, nl).toString("utf8");
      this.buffer = this.buffer.subarray(nl + 1);
      this.onLine(line);
    }
  }

  rest(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }
}

/** A program's output: its stdout, its stderr, and last its exit status (JSON), after both outputs ended. */
export const Frame = { stdout: 1, stderr: 2, exit: 3 } as const;
export type FrameKind = (typeof Frame)[keyof typeof Frame];

export function frame(kind: FrameKind, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head[0] = kind;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** Reassembles frames from a byte stream. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (kind: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 5) {
      const end = 5 + this.buffer.readUInt32BE(1);
      if (this.buffer.length < end) return;
      const kind = this.buffer[0]!;
      const payload = this.buffer.subarray(5, end);
      this.buffer = this.buffer.subarray(end);
      this.onFrame(kind, payload);
    }
  }
}
