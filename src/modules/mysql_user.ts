/**
 * community.mysql.mysql_user: adds, changes or removes a MySQL/MariaDB user — password (compared by its stored
 * hash, never re-set when equal), authentication plugin, privileges (`db.*:SELECT,LOCK TABLES/…` or a dict,
 * compared as the collection normalises them, so an unchanged grant is `ok`), TLS requirement, resource limits.
 * The session runs over a relay on the host as the become user (db/relay.ts). With --diff the privileges before
 * and after are shown.
 */
import { ModuleArgsError } from "./args.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import {
  MYSQL_COMMON_ARGS,
  MysqlConnectError,
  MysqlError,
  connectFailureMessage,
  connectForModule,
  type MysqlLoginArgs,
  type MysqlSession,
} from "./db/mysql-connect.js";
import {
  InvalidPrivsError,
  privDictToString,
  privilegesUnpack,
  privMapText,
  type PrivMap,
} from "./db/mysql-privs.js";
import { SqlParseError, mysqlQuoteIdentifier } from "./db/mysql-quote.js";
import { serverInfo } from "./db/mysql-server.js";
import { sanitizeRequires } from "./db/mysql-tls.js";
import {
  UserOpsFailure,
  limitResources,
  privilegesGet,
  userAdd,
  userDelete,
  userExists,
  userHostnames,
  userMod,
  type UserOpsContext,
  type UserResult,
} from "./db/mysql-user-ops.js";

interface MysqlUserArgs extends MysqlLoginArgs {
  user: string;
  password?: string | null;
  encrypted: boolean;
  host: string;
  host_all: boolean;
  state: "present" | "absent";
  priv?: unknown;
  tls_requires?: Record<string, unknown> | null;
  append_privs: boolean;
  subtract_privs: boolean;
  check_implicit_admin: boolean;
  update_password: "always" | "on_create" | "on_new_username";
  sql_log_bin: boolean;
  plugin?: string | null;
  plugin_hash_string?: string | null;
  plugin_auth_string?: string | null;
  resource_limits?: Record<string, unknown> | null;
  force_context: boolean;
  session_vars?: Record<string, unknown> | null;
}

/** set_session_vars: SET SESSION `name` = value, each in the collection's failure words. */
export async function setSessionVars(s: MysqlSession, vars: Record<string, unknown>): Promise<void> {
  for (const [name, value] of Object.entries(vars)) {
    const query = `SET SESSION ${mysqlQuoteIdentifier(name, "vars")} = `;
    try {
      await s.exec(query + "?", [value]);
    } catch (e) {
      throw new ModuleFailure(`Failed to execute ${query}${String(value)}: ${(e as Error).message}`);
    }
  }
}

async function apply(a: MysqlUserArgs, c: UserOpsContext, ctx: ModuleContext): Promise<ModuleResult> {
  const host = a.host.toLowerCase();
  const tls = sanitizeRequires(a.tls_requires);
  let priv: PrivMap | null = null;
  if (a.priv !== undefined && a.priv !== null) {
    const text =
      typeof a.priv === "object" ? privDictToString(a.priv as Record<string, unknown>) : String(a.priv);
    priv = privilegesUnpack(text, c.info.mode, !a.subtract_privs);
  }
  const diffOf = (before: PrivMap | undefined, after: PrivMap | undefined) =>
    ctx.diff && priv
      ? { diff: { before: before ? privMapText(before) : "", after: after ? privMapText(after) : "" } }
      : {};

  if (a.state === "absent") {
    if (!(await userExists(c, a.user, host, a.host_all)))
      return { changed: false, user: a.user, msg: "User doesn't exist", password_changed: false };
    const hosts = a.host_all ? await userHostnames(c, a.user) : [host];
    const before = ctx.diff && !a.host_all ? await privilegesGet(c, a.user, host) : undefined;
    const changed = await userDelete(c, a.user, hosts);
    return {
      changed,
      user: a.user,
      msg: "User deleted",
      password_changed: false,
      ...(ctx.diff && before ? { diff: { before: privMapText(before), after: "" } } : {}),
    };
  }

  const auth = {
    password: a.password,
    encrypted: a.encrypted,
    plugin: a.plugin,
    pluginHashString: a.plugin_hash_string,
    pluginAuthString: a.plugin_auth_string,
  };
  let r: UserResult;
  if (await userExists(c, a.user, host, a.host_all)) {
    const hosts = a.host_all ? await userHostnames(c, a.user) : [host];
    const mode = a.append_privs ? "append" : a.subtract_privs ? "subtract" : "replace";
    const keep = a.update_password === "always" ? auth : { password: null, encrypted: a.encrypted };
    r = await userMod(c, a.user, hosts, keep, priv, mode, tls);
    if (ctx.diff && priv && c.check && r.changed) {
      // Check mode stops at the first difference, maybe before the privileges were read.
      r.privsBefore ??= await privilegesGet(c, a.user, hosts[0]!);
      r.privsAfter = predict(r.privsBefore, priv, mode, a.user);
    }
  } else {
    if (a.host_all) throw new ModuleFailure("host_all parameter cannot be used when adding a user");
    const grant = a.subtract_privs ? null : priv;
    r = await userAdd(c, a.user, host, auth, grant, tls, a.update_password === "on_new_username");
    r.privsBefore = new Map();
    if (ctx.diff && grant)
      r.privsAfter = c.check
        ? predict(new Map(), grant, "replace", a.user)
        : await privilegesGet(c, a.user, host);
  }
  let changed = r.changed;
  if (a.resource_limits && Object.keys(a.resource_limits).length)
    changed = (await limitResources(c, a.user, host, a.resource_limits)) || changed;
  const out: ModuleResult = { changed, user: a.user, msg: r.msg, password_changed: r.password_changed };
  // The diff is only worth showing when something changed (before equals after otherwise).
  return changed ? { ...out, ...diffOf(r.privsBefore, r.privsAfter ?? r.privsBefore) } : out;
}

/** The privileges a change would leave (check mode's diff): the collection's replace/append/subtract rules. */
function predict(
  curr: PrivMap,
  want: PrivMap,
  mode: "replace" | "append" | "subtract",
  user: string,
): PrivMap {
  const out: PrivMap = new Map();
  if (mode === "replace") {
    for (const [k, v] of curr) if (!want.has(k) && (user === "root" || v.includes("PROXY"))) out.set(k, v);
    for (const [k, v] of want) out.set(k, v);
    return out;
  }
  for (const [k, v] of curr) out.set(k, [...v]);
  for (const [k, v] of want) {
    const have = out.get(k);
    if (mode === "append") out.set(k, have ? [...have, ...v.filter((p) => !have.includes(p))] : v);
    else if (have)
      out.set(
        k,
        have.filter((p) => !v.includes(p)),
      );
  }
  return out;
}

export const mysqlUser: Module<MysqlUserArgs> = {
  name: "mysql_user",
  aliases: ["community.mysql.mysql_user"],
  args: {
    ...MYSQL_COMMON_ARGS,
    user: { type: "str", required: true, aliases: ["name"] },
    password: { type: "str", noLog: true },
    encrypted: { type: "bool", default: false },
    host: { type: "str", default: "localhost" },
    host_all: { type: "bool", default: false },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    priv: { type: "raw" },
    tls_requires: { type: "dict" },
    append_privs: { type: "bool", default: false },
    subtract_privs: { type: "bool", default: false },
    check_implicit_admin: { type: "bool", default: false },
    update_password: { type: "str", default: "always", choices: ["always", "on_create", "on_new_username"] },
    sql_log_bin: { type: "bool", default: true },
    plugin: { type: "str" },
    plugin_hash_string: { type: "str" },
    plugin_auth_string: { type: "str" },
    resource_limits: { type: "dict" },
    force_context: { type: "bool", default: false },
    session_vars: { type: "dict" },
  },
  rules: { mutuallyExclusive: [["append_privs", "subtract_privs"]] },
  checkMode: true,
  async run(a, ctx) {
    if (a.priv && typeof a.priv !== "string" && (typeof a.priv !== "object" || Array.isArray(a.priv)))
      throw new ModuleArgsError(
        `priv parameter must be str or dict but ${Array.isArray(a.priv) ? "<class 'list'>" : `<class '${typeof a.priv === "number" ? (Number.isInteger(a.priv) ? "int" : "float") : "bool"}'>`} was passed`,
      );
    let s: MysqlSession;
    try {
      s = await connectForModule(ctx, a, {
        implicitAdmin: a.check_implicit_admin,
        ...(a.force_context ? { database: "mysql" } : {}),
      });
    } catch (e) {
      if (e instanceof MysqlConnectError) {
        if (e.cause.errno === 1698 && !a.login_unix_socket && !a.login_user)
          ctx.warn(
            "the server refused root over TCP (it authenticates root by unix socket): set login_unix_socket, e.g. /run/mysqld/mysqld.sock",
          );
        throw new ModuleFailure(connectFailureMessage(e));
      }
      throw e;
    }
    try {
      if (!a.sql_log_bin) await s.exec("SET SQL_LOG_BIN=0;");
      if (a.session_vars) await setSessionVars(s, a.session_vars);
      const info = await serverInfo(s);
      return await apply(a, { s, info, check: ctx.check }, ctx);
    } catch (e) {
      if (
        e instanceof MysqlError ||
        e instanceof InvalidPrivsError ||
        e instanceof SqlParseError ||
        e instanceof UserOpsFailure
      )
        throw new ModuleFailure(e.message);
      throw e;
    } finally {
      await s.close();
    }
  },
};
