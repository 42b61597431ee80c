/**
 * A byte relay on the managed host, so a database client on the controller talks to a server the way a module
 * running ON the host would: from the host's network, and — for a unix socket — as the become user, which is what
 * MariaDB's unix_socket authentication checks (SO_PEERCRED sees the relay, running as root under `become`).
 *
 * The relay is Python (Ansible needs python3 on the host anyway; socat may be missing; relay-python.ts). It reads
 * the MySQL option file the way PyMySQL does (`read_default_file`), connects, answers a header of JSON, then pumps
 * bytes both ways until either side closes. Where the host's operation helper runs as the become user, the helper
 * does it and the bytes take an SSH streamlocal channel to a socket it listens on: a helper operation and a
 * channel, where a program of its own cost a channel, sudo and python3's start (~35 ms of the host's CPU, on the
 * critical path of every mysql_* task). Otherwise, or where sshd forwards no sockets, the program of its own.
 * Nothing secret is on a command line: the option file's password comes back in the header, over SSH.
 */
import { type Duplex, PassThrough } from "node:stream";
import type { ExecStream } from "../../transport/types.js";
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "../util/failure.js";
import { quote } from "../util/shell.js";
import { EXEC_RELAY, helperRelayProgram } from "./relay-python.js";

/** Where the relay connects and which option file it reads first (both as the host sees them). */
export interface RelayTarget {
  /** A unix socket path; wins over host/port (also when the option file names one). */
  socket?: string;
  host?: string;
  port?: number;
  /** A MySQL option file whose [client] section is read (PyMySQL's read_default_file); "" for none. */
  configFile?: string;
  connectTimeout?: number;
  /** config_overrides_defaults: the option file's host and port win over the given ones. */
  configOverridesDefaults?: boolean;
}

/** What the relay reports before it starts pumping. */
export interface RelayHeader {
  ok: boolean;
  /** The connect error as Python prints it ("[Errno 2] No such file or directory"). */
  error?: string;
  /** The option file after ~ expansion, and whether it exists. */
  config_file: string;
  config_exists: boolean;
  /** The [client] values PyMySQL would take from the option file (quotes removed). */
  config: Record<string, string | null>;
  /** getpass.getuser() of the relay: PyMySQL's default user name. */
  getuser: string;
  /** "socket" or "tcp", and the host name PyMySQL would print in its errors. */
  via: "socket" | "tcp";
  host: string;
}

export interface Relay {
  header: RelayHeader;
  /** The byte stream to the server (only usable when header.ok). */
  stream: Duplex;
  /** Ends the stream and waits (a moment at most) until the relay let go of it. */
  close(): Promise<void>;
}

/**
 * Starts the relay as the task's become user and waits for its header. `meanwhile` runs once the host is at work
 * on it: time the controller can use.
 */
export async function openRelay(
  ctx: ModuleContext,
  target: RelayTarget,
  meanwhile?: () => void,
): Promise<Relay> {
  const args = {
    socket: target.socket ?? null,
    host: target.host ?? "localhost",
    port: target.port ?? 3306,
    config_file: target.configFile ?? "",
    timeout: target.connectTimeout ?? null,
    overrides: target.configOverridesDefaults ?? false,
  };
  return (await helperRelay(ctx, args, meanwhile)) ?? (await execRelay(ctx, args, meanwhile));
}

/** The relay inside the operation helper; undefined where it cannot be (the caller then starts its own). */
async function helperRelay(
  ctx: ModuleContext,
  args: object,
  meanwhile?: () => void,
): Promise<Relay | undefined> {
  const { conn } = ctx;
  if (!conn.python || !conn.forwardSocket) return undefined;
  const asked = conn.python(helperRelayProgram(args, ctx.become !== undefined), { become: ctx.become });
  meanwhile?.();
  const out = await asked;
  if (!out || out.rc !== 0) return undefined;
  let answer: { header: RelayHeader; path?: string };
  try {
    answer = JSON.parse(out.stdout) as typeof answer;
  } catch {
    return undefined;
  }
  const { header, path } = answer;
  if (!header.ok || path === undefined) return { header, stream: closedStream(), close: async () => {} };
  let stream: Duplex;
  try {
    stream = await conn.forwardSocket(path);
  } catch {
    return undefined; // sshd forwards no sockets here (AllowStreamLocalForwarding): the listener times out alone
  }
  return { header, stream, close: () => endStream(stream) };
}

/** The relay as a program of its own, on its own channel; reads its header line. */
async function execRelay(ctx: ModuleContext, args: object, meanwhile?: () => void): Promise<Relay> {
  const cmd = `exec python3 -u -c ${quote(EXEC_RELAY)} ${quote(JSON.stringify(args))}`;
  const stream = await ctx.conn.execStream(cmd, { become: ctx.become });
  const header = readHeader(stream, ctx.host);
  meanwhile?.();
  return { header: await header, stream, close: () => endExecRelay(stream) };
}

/** The program's relay: it exits on its own once the server has closed. */
function endExecRelay(stream: ExecStream): Promise<void> {
  return endWithin(stream, stream.exit);
}

/** The helper's relay: its side of the channel ends once the server has closed. */
function endStream(stream: Duplex): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  stream.resume(); // the server's last bytes (if any) must not hold the channel open
  return endWithin(stream, new Promise((r) => stream.once("close", r).once("end", r).once("error", r)));
}

/** Ends our side, waits (2 s at most) for the relay to let go, then makes sure the channel is gone. */
async function endWithin(stream: Duplex, released: Promise<unknown>): Promise<void> {
  stream.end();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([released.catch(() => {}), new Promise((r) => (timer = setTimeout(r, 2000)))]);
  clearTimeout(timer);
  stream.destroy();
}

/** For a header that failed: nothing to read or write. */
function closedStream(): Duplex {
  const s = new PassThrough();
  s.end();
  return s;
}

/** Reads up to the first newline, puts any bytes after it back for the next reader. */
function readHeader(stream: ExecStream, host: string): Promise<RelayHeader> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let stderr = "";
    const onErr = (c: Buffer) => (stderr += c.toString("utf8"));
    stream.stderr.on("data", onErr);
    const cleanup = () => {
      stream.off("readable", onReadable);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.stderr.off("data", onErr);
    };
    const onReadable = () => {
      let c: Buffer | null;
      while ((c = stream.read() as Buffer | null) !== null) {
        const nl = c.indexOf(0x0a);
        if (nl < 0) {
          chunks.push(c);
          continue;
        }
        chunks.push(c.subarray(0, nl));
        cleanup();
        if (nl + 1 < c.length) stream.unshift(c.subarray(nl + 1));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as RelayHeader);
        } catch {
          reject(
            new ModuleFailure(
              `${host}: the database relay answered garbage: ${Buffer.concat(chunks).toString()}`,
            ),
          );
        }
        return;
      }
    };
    const onEnd = () => {
      cleanup();
      const why = stderr.trim() || "it ended without a word";
      reject(new ModuleFailure(`could not start the database relay (python3) on ${host}: ${why}`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new ModuleFailure(`${host}: the database relay failed: ${e.message}`));
    };
    stream.on("readable", onReadable);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}
