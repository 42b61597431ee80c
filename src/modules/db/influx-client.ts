/**
 * InfluxDB 1.x from the controller, as community.general's influxdb modules reach it from the host: HTTP(S) to
 * hostname:port as the host resolves it. The `influx` package takes http.RequestOptions, so its requests go through
 * an Agent whose createConnection opens an SSH direct-tcpip channel (`conn.forward`) instead of a TCP socket. The
 * agent keeps that one channel alive for every request of a module run (one round trip), and TLS, when `ssl` is
 * on, runs over the channel.
 */
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import type { InfluxDB } from "influx";
import type { ArgSpec } from "../args.js";
import type { ModuleContext } from "../types.js";
import { trustedCertificates } from "../../util/extra-ca.js";
import { ModuleFailure } from "../util/failure.js";

/** community.general's InfluxDb.influxdb_argument_spec. */
export const INFLUX_COMMON_ARGS: ArgSpec = {
  hostname: { type: "str", default: "localhost" },
  port: { type: "int", default: 8086 },
  path: { type: "str", default: "" },
  username: { type: "str", default: "root", aliases: ["login_username"] },
  password: { type: "str", default: "root", noLog: true, aliases: ["login_password"] },
  ssl: { type: "bool", default: false },
  validate_certs: { type: "bool", default: true },
  timeout: { type: "int" },
  retries: { type: "int", default: 3 },
  proxies: { type: "dict", default: {} },
  use_udp: { type: "bool", default: false },
  udp_port: { type: "int", default: 4444 },
};

export interface InfluxArgs {
  hostname: string;
  port: number;
  path: string;
  username: string;
  password: string;
  ssl: boolean;
  validate_certs: boolean;
  timeout?: number | null;
  retries: number;
  proxies: Record<string, unknown>;
  use_udp: boolean;
  udp_port: number;
}

/** Gives a forwarded channel the socket methods Node's HTTP client calls on a connection. */
function socketLike(d: Duplex): Duplex {
  const s = d as Duplex & Record<string, unknown>;
  for (const m of ["setNoDelay", "setKeepAlive", "setTimeout", "ref", "unref"])
    if (typeof s[m] !== "function") s[m] = () => s;
  return s;
}

export interface InfluxSession {
  /** A client logged in as `user` (the module's login by default), sharing the one channel. */
  client(user?: { username: string; password: string }): InfluxDB;
  close(): void;
}

/** The `influx` package is loaded on first use: most runs never talk to InfluxDB and it costs ~0.1 s to load. */
export async function influxSession(ctx: ModuleContext, a: InfluxArgs): Promise<InfluxSession> {
  const forward = ctx.conn.forward?.bind(ctx.conn);
  if (!forward) throw new ModuleFailure(`${ctx.host}: this connection cannot open tunnels to InfluxDB`);
  // Through `default` (the CommonJS exports object): the bundle's chunk for a dynamically imported CommonJS
  // package exports only that, where Node's own loader would also offer the names.
  const { InfluxDB } = (await import("influx")).default;
  const Agent = a.ssl ? https.Agent : http.Agent;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  type Create = (opts: object, cb: (err: Error | null, s?: Duplex) => void) => undefined;
  (agent as unknown as { createConnection: Create }).createConnection = (_opts, cb) => {
    forward(a.hostname, a.port).then(
      (ch) => {
        const sock = socketLike(ch);
        if (!a.ssl) return cb(null, sock);
        const ca = trustedCertificates(process.env, (m) => ctx.warn(m));
        const t = tls.connect({
          socket: sock,
          servername: a.hostname,
          rejectUnauthorized: a.validate_certs,
          ...(ca ? { ca } : {}),
        });
        t.once("secureConnect", () => cb(null, t));
        t.once("error", (e) => cb(e));
      },
      (e: Error) => cb(e),
    );
    return undefined;
  };
  const make = (u: { username: string; password: string }) =>
    new InfluxDB({
      host: a.hostname,
      port: a.port,
      protocol: a.ssl ? "https" : "http",
      ...(a.path ? { path: a.path } : {}),
      username: u.username,
      password: u.password,
      options: { agent },
      ...(a.timeout
        ? { pool: { requestTimeout: a.timeout * 1000, maxRetries: 0 } }
        : { pool: { maxRetries: 0 } }),
    });
  return {
    client: (u) => make(u ?? { username: a.username, password: a.password }),
    close: () => agent.destroy(),
  };
}

/** An HTTP error from InfluxDB: its status code and body (the python client's InfluxDBClientError code/content). */
export function influxErrorOf(e: unknown): { code?: number; content: string } {
  const err = e as { res?: { statusCode?: number }; message?: string };
  const message = err.message ?? String(e);
  const body = /error occurred: ([\s\S]*)$/.exec(message)?.[1];
  return { ...(err.res?.statusCode ? { code: err.res.statusCode } : {}), content: body ?? message };
}
