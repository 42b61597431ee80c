/**
 * A byte relay on the managed host, so a database client on the controller talks to a server the way a module
 * running ON the host would: from the host's network, and — for a unix socket — as the become user, which is what
 * MariaDB's unix_socket authentication checks (SO_PEERCRED sees the relay, running as root under `become`).
 *
 * The relay is a small python3 program (Ansible needs python3 on the host anyway; socat may be missing). It reads
 * the MySQL option file the way PyMySQL does (`read_default_file`), connects, prints ONE header line of JSON, then
 * pumps bytes both ways until either side closes. Nothing secret is on its command line: the option file's password
 * comes back in the header, over the SSH channel.
 */
import type { ExecStream } from "../../transport/types.js";
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "../util/failure.js";
import { quote } from "../util/shell.js";

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

// PyMySQL's optionfile.Parser: RawConfigParser with keys lower-cased and '_' → '-', surrounding quotes removed.
const RELAY = String.raw`
import sys, os, json, socket, getpass, threading, configparser
a = json.loads(sys.argv[1])
h = {"ok": False, "config": {}, "config_exists": False, "via": "tcp", "host": a.get("host") or "localhost"}
try:
    h["getuser"] = getpass.getuser()
except Exception:
    h["getuser"] = ""
cf = os.path.expanduser(a.get("config_file") or "")
h["config_file"] = cf
def unq(v):
    if v is not None and len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v
s = None
try:
    if cf and os.path.exists(cf):
        h["config_exists"] = True
        p = configparser.RawConfigParser(allow_no_value=True)
        p.optionxform = lambda k: k.lower().replace("_", "-")
        p.read(cf)
        if p.has_section("client"):
            h["config"] = {k: unq(v) for k, v in p.items("client")}
    if a.get("overrides"):
        h["host"] = h["config"].get("host") or h["host"]
        a["port"] = h["config"].get("port") or a.get("port")
    sock = a.get("socket") or h["config"].get("socket")
    t = a.get("timeout") or None
    if sock:
        h["via"] = "socket"
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(t)
        s.connect(sock)
    else:
        s = socket.create_connection((h["host"], int(a.get("port") or 3306)), t)
    s.settimeout(None)
    h["ok"] = True
except Exception as e:
    h["error"] = str(e)
out = sys.stdout.buffer
out.write((json.dumps(h) + "\n").encode())
out.flush()
if not h["ok"]:
    sys.exit(0)
def up():
    try:
        while True:
            d = os.read(0, 65536)
            if not d:
                break
            s.sendall(d)
    except Exception:
        pass
    try:
        s.shutdown(socket.SHUT_WR)
    except Exception:
        pass
threading.Thread(target=up, daemon=True).start()
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        out.write(d)
        out.flush()
except Exception:
    pass
`;

export interface Relay {
  header: RelayHeader;
  /** The byte stream to the server (only usable when header.ok). */
  stream: ExecStream;
}

/**
 * Starts the relay as the task's become user and waits for its header line. `meanwhile` runs once the relay is
 * started: the host then needs ~20 ms (sudo, python3) before it answers, time the controller can use.
 */
export async function openRelay(
  ctx: ModuleContext,
  target: RelayTarget,
  meanwhile?: () => void,
): Promise<Relay> {
  const args = JSON.stringify({
    socket: target.socket ?? null,
    host: target.host ?? "localhost",
    port: target.port ?? 3306,
    config_file: target.configFile ?? "",
    timeout: target.connectTimeout ?? null,
    overrides: target.configOverridesDefaults ?? false,
  });
  const cmd = `exec python3 -u -c ${quote(RELAY)} ${quote(args)}`;
  const stream = await ctx.conn.execStream(cmd, { become: ctx.become });
  const header = readHeader(stream, ctx.host);
  meanwhile?.();
  return { header: await header, stream };
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
