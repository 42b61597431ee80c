/**
 * One MySQL/MariaDB session per module run, opened the way community.mysql's mysql_connect (PyMySQL) opens it —
 * but from the controller: the protocol runs over a relay on the host (see relay.ts), started as the become user.
 * So `login_unix_socket` reaches the server's socket with unix_socket authentication as that user, and without it
 * the relay connects to login_host:login_port over TCP from the host, exactly where PyMySQL would connect.
 * Credentials follow PyMySQL: login_user/login_password, else the option file's [client] values, else the host
 * user's name and an empty password. Errors read as PyMySQL prints them: `(1698, "Access denied for …")`.
 */
import type { Connection as MysqlConnection } from "mysql2/promise";
import { strRepr } from "../../template/values.js";
import type { ArgSpec } from "../args.js";
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "../util/failure.js";
import { openRelay } from "./relay.js";

/** community.mysql's mysql_common_argument_spec. */
export const MYSQL_COMMON_ARGS: ArgSpec = {
  login_user: { type: "str" },
  login_password: { type: "str", noLog: true },
  login_host: { type: "str", default: "localhost" },
  login_port: { type: "int", default: 3306 },
  login_unix_socket: { type: "str" },
  config_file: { type: "path", default: "~/.my.cnf" },
  connect_timeout: { type: "int", default: 30 },
  client_cert: { type: "path", aliases: ["ssl_cert"] },
  client_key: { type: "path", aliases: ["ssl_key"] },
  ca_cert: { type: "path", aliases: ["ssl_ca"] },
  check_hostname: { type: "bool" },
};

export interface MysqlLoginArgs {
  login_user?: string | null;
  login_password?: string | null;
  login_host: string;
  login_port: number;
  login_unix_socket?: string | null;
  config_file: string;
  connect_timeout: number;
  client_cert?: string | null;
  client_key?: string | null;
  ca_cert?: string | null;
  check_hostname?: boolean | null;
}

/** A server error as PyMySQL's exceptions print: `(errno, 'message')`. */
export class MysqlError extends Error {
  constructor(
    readonly errno: number,
    readonly sqlMessage: string,
  ) {
    super(`(${errno}, ${strRepr(sqlMessage)})`);
  }
}

/** Could not connect or log in; `configFile` is the option file path as Ansible names it in its message. */
export class MysqlConnectError extends Error {
  constructor(
    override readonly cause: MysqlError,
    readonly configFile: string,
    readonly configExists: boolean,
  ) {
    super(cause.message);
  }
}

export function toMysqlError(e: unknown): MysqlError {
  if (e instanceof MysqlError) return e;
  const err = e as { errno?: number; sqlMessage?: string; message?: string; code?: string };
  if (typeof err.errno === "number" && err.sqlMessage !== undefined)
    return new MysqlError(err.errno, err.sqlMessage);
  return new MysqlError(2013, `Lost connection to MySQL server during query (${err.message ?? String(e)})`);
}

export interface MysqlSession {
  /** Rows as arrays (a cursor's fetchall); binary columns come back as text. */
  query(sql: string, values?: unknown[]): Promise<unknown[][]>;
  /** Runs a statement; resolves to the affected row count. */
  exec(sql: string, values?: unknown[]): Promise<number>;
  /** A string literal for SQL text (for statements that take no placeholders, like GRANT's user). */
  literal(value: string): string;
  readonly configFile: string;
  readonly configExists: boolean;
  close(): Promise<void>;
}

/** Refuses what the relay cannot carry: TLS client files live on the host, mysql2 would need them here. */
export function rejectTlsFiles(args: MysqlLoginArgs): void {
  const set = (["client_cert", "client_key", "ca_cert", "check_hostname"] as const).filter(
    (k) => args[k] !== undefined && args[k] !== null,
  );
  if (set.length)
    throw new ModuleFailure(
      `infra does not support ${set.join(", ")} for MySQL connections (the session runs over SSH to the host already); remove ${set.length > 1 ? "them" : "it"}`,
    );
}

/**
 * Opens the session as `user`/`password` (undefined = PyMySQL's fallbacks). Throws MysqlConnectError when the
 * server cannot be reached or refuses the login.
 */
export async function mysqlConnect(
  ctx: ModuleContext,
  args: MysqlLoginArgs,
  login: {
    user?: string | null;
    password?: string | null;
    database?: string;
    configOverridesDefaults?: boolean;
  },
): Promise<MysqlSession> {
  // mysql2 is loaded on first use (most runs never talk to MySQL; it costs ~35 ms of controller CPU), and while
  // the host starts the relay: loading blocks the event loop, so not before the relay's channel is open.
  const relay = await openRelay(
    ctx,
    {
      ...(args.login_unix_socket ? { socket: args.login_unix_socket } : {}),
      host: args.login_host,
      port: args.login_port,
      configFile: args.config_file,
      connectTimeout: args.connect_timeout,
      configOverridesDefaults: login.configOverridesDefaults ?? false,
    },
    () => void import("mysql2/promise").catch(() => {}), // awaited below (the same module) once the relay is up
  );
  const h = relay.header;
  if (!h.ok) {
    await relay.close();
    // PyMySQL names the host it tried; with a unix socket it has no host and says 'localhost'.
    const shown = args.login_unix_socket ? "localhost" : args.login_host || "localhost";
    throw new MysqlConnectError(
      new MysqlError(
        2003,
        `Can't connect to MySQL server on ${strRepr(shown)} (${h.error ?? "unknown error"})`,
      ),
      h.config_file,
      h.config_exists,
    );
  }
  const cfg = h.config;
  let db: MysqlConnection;
  try {
    const { default: mysql } = await import("mysql2/promise");
    db = await mysql.createConnection({
      stream: relay.stream as never,
      user: login.user || cfg.user || h.getuser,
      password: login.password || cfg.password || "",
      ...(login.database || cfg.database ? { database: login.database || cfg.database! } : {}),
      connectTimeout: args.connect_timeout * 1000,
      supportBigNumbers: true,
      dateStrings: true,
    });
  } catch (e) {
    await relay.close();
    throw new MysqlConnectError(toMysqlError(e), h.config_file, h.config_exists);
  }
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString("utf8") : v);
  return {
    configFile: h.config_file,
    configExists: h.config_exists,
    async query(sql, values) {
      try {
        const [rows] = await db.query({ sql, values, rowsAsArray: true });
        return Array.isArray(rows) ? (rows as unknown[][]).map((r) => r.map(text)) : [];
      } catch (e) {
        throw toMysqlError(e);
      }
    },
    async exec(sql, values) {
      try {
        const [res] = await db.query({ sql, values });
        return (res as { affectedRows?: number }).affectedRows ?? 0;
      } catch (e) {
        throw toMysqlError(e);
      }
    },
    literal: (v) => db.escape(v),
    async close() {
      await db.end().catch(() => {});
      await relay.close();
    },
  };
}

/** Ansible's connect failure message (mysql_user and friends). */
export function connectFailureMessage(e: MysqlConnectError): string {
  return `unable to connect to database, check login_user and login_password are correct or ${e.configFile} has the credentials. Exception message: ${e.message}`;
}

/** Opens a module's session: first as root without a password when check_implicit_admin asks, then as given. */
export async function connectForModule(
  ctx: ModuleContext,
  args: MysqlLoginArgs,
  o: { implicitAdmin: boolean; database?: string; configOverridesDefaults?: boolean },
): Promise<MysqlSession & { implicitAdmin: boolean }> {
  rejectTlsFiles(args);
  const extra = {
    ...(o.database ? { database: o.database } : {}),
    configOverridesDefaults: o.configOverridesDefaults ?? false,
  };
  if (o.implicitAdmin) {
    try {
      return Object.assign(await mysqlConnect(ctx, args, { user: "root", password: "", ...extra }), {
        implicitAdmin: true,
      });
    } catch (e) {
      if (!(e instanceof MysqlConnectError)) throw e;
    }
  }
  const s = await mysqlConnect(ctx, args, { user: args.login_user, password: args.login_password, ...extra });
  return Object.assign(s, { implicitAdmin: false });
}
