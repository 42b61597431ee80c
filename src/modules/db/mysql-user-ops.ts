/**
 * community.mysql's user management (module_utils/user.py), statement for statement: whether a user exists, how
 * its password hash, plugin, privileges and TLS requirement are compared, and what is run to change them. In check
 * mode it stops at the first difference with Ansible's message, as the collection does.
 */
import { createHash } from "node:crypto";
import { pyRepr } from "../../template/values.js";
import type { MysqlSession } from "./mysql-connect.js";
import { MysqlError } from "./mysql-connect.js";
import { InvalidPrivsError, parseGrants, privMapsEqual, type PrivMap } from "./mysql-privs.js";
import { oldUserMgmt, supportsIdentifiedByPassword, versionBelow, type ServerInfo } from "./mysql-server.js";
import { parseRequires, requireClause, requiresEqual, type TlsRequires } from "./mysql-tls.js";

export interface UserOpsContext {
  s: MysqlSession;
  info: ServerInfo;
  check: boolean;
}

export interface UserResult {
  changed: boolean;
  msg: string;
  password_changed: boolean | null;
  /** Privileges before and after (or as they would be, in check mode) when privileges were managed. */
  privsBefore?: PrivMap;
  privsAfter?: PrivMap;
}

/** Ansible's "encrypted was specified however…" and similar: the module fails with this message. */
export class UserOpsFailure extends Error {}

const who = (c: UserOpsContext, user: string, host: string) => `${c.s.literal(user)}@${c.s.literal(host)}`;

/** mysql_native_password's hash, as the server's CONCAT('*', UCASE(SHA1(UNHEX(SHA1(pw))))). */
export function nativePasswordHash(password: string): string {
  const inner = createHash("sha1").update(password, "utf8").digest();
  return "*" + createHash("sha1").update(inner).digest("hex").toUpperCase();
}

/** is_hash: `*` and 40 hex digits. */
export const isHash = (p: string) => p.length === 41 && p[0] === "*" && /^[0-9a-fA-F]{40}$/.test(p.slice(1));

export async function userExists(
  c: UserOpsContext,
  user: string,
  host: string,
  hostAll: boolean,
): Promise<boolean> {
  const rows = hostAll
    ? await c.s.query("SELECT count(*) FROM mysql.user WHERE user = ?", [user])
    : await c.s.query("SELECT count(*) FROM mysql.user WHERE user = ? AND host = ?", [user, host]);
  return Number(rows[0]?.[0] ?? 0) > 0;
}

export async function userHostnames(c: UserOpsContext, user: string): Promise<string[]> {
  const rows = await c.s.query("SELECT Host FROM mysql.user WHERE user = ?", [user]);
  return rows.map((r) => String(r[0]));
}

export async function privilegesGet(c: UserOpsContext, user: string, host: string): Promise<PrivMap> {
  const rows = await c.s.query("SHOW GRANTS FOR ?@?", [user, host]);
  return parseGrants(rows.map((r) => String(r[0])));
}

async function hashOf(c: UserOpsContext, password: string): Promise<string> {
  if (!oldUserMgmt(c.info)) return nativePasswordHash(password);
  const rows = await c.s.query("SELECT PASSWORD(?)", [password]);
  return String(rows[0]?.[0] ?? "");
}

/** privileges_grant: GRANT … (WITH GRANT OPTION when GRANT is listed); errors in Ansible's InvalidPrivsError words. */
export async function privilegesGrant(
  c: UserOpsContext,
  user: string,
  host: string,
  dbTable: string,
  priv: string[],
  tls: TlsRequires,
): Promise<void> {
  const privString = priv.filter((p) => p !== "GRANT").join(",");
  let sql = `GRANT ${privString} ON ${dbTable} TO ${who(c, user, host)}`;
  if (tls && oldUserMgmt(c.info)) sql += requireClause(tls, c.s.literal);
  if (priv.includes("GRANT")) sql += " WITH GRANT OPTION";
  try {
    await c.s.exec(sql);
  } catch (e) {
    if (!(e instanceof MysqlError)) throw e;
    const query = `GRANT ${privString} ON ${dbTable} TO %s@%s${priv.includes("GRANT") ? " WITH GRANT OPTION" : ""}`;
    throw new InvalidPrivsError(
      `Error granting privileges, invalid priv string: ${privString} , params: ${pyTuple([user, host])}, query: ${query} , exception: ${e.message}.`,
    );
  }
}

const pyTuple = (v: string[]) => `(${v.map((x) => pyRepr(x)).join(", ")})`;

/** privileges_revoke: GRANT OPTION first when asked, then the rest, then FLUSH PRIVILEGES. */
async function privilegesRevoke(
  c: UserOpsContext,
  user: string,
  host: string,
  dbTable: string,
  priv: string[],
  grantOption: boolean,
): Promise<void> {
  if (grantOption) await c.s.exec(`REVOKE GRANT OPTION ON ${dbTable} FROM ${who(c, user, host)}`);
  const privString = priv.filter((p) => p !== "GRANT").join(",");
  if (privString !== "") await c.s.exec(`REVOKE ${privString} ON ${dbTable} FROM ${who(c, user, host)}`);
  await c.s.exec("FLUSH PRIVILEGES");
}

async function getTlsRequires(c: UserOpsContext, user: string, host: string): Promise<TlsRequires> {
  const sql = oldUserMgmt(c.info) ? "SHOW GRANTS FOR ?@?" : "SHOW CREATE USER ?@?";
  const rows = await c.s.query(sql, [user, host]);
  return parseRequires(rows.map((r) => String(r[0])));
}

/** get_grants: the privilege list of the `ON *.*` line (old servers re-grant it to change REQUIRE). */
async function getGrants(c: UserOpsContext, user: string, host: string): Promise<string[]> {
  const rows = await c.s.query("SHOW GRANTS FOR ?@?", [user, host]);
  const line = rows.map((r) => String(r[0])).find((l) => l.includes("ON *.*")) ?? "";
  const m = /(?<=\bGRANT\b)(.*?)(?=(?:\bON\b))/.exec(line);
  return (m?.[0].trim() ?? "").split(", ");
}

export interface AuthSpec {
  password?: string | null;
  encrypted: boolean;
  plugin?: string | null;
  pluginHashString?: string | null;
  pluginAuthString?: string | null;
}

function identifiedClause(c: UserOpsContext, a: AuthSpec, hash?: string): string {
  const lit = c.s.literal;
  if (a.password && a.encrypted)
    return supportsIdentifiedByPassword(c.info)
      ? ` IDENTIFIED BY PASSWORD ${lit(a.password)}`
      : ` IDENTIFIED WITH mysql_native_password AS ${lit(a.password)}`;
  if (a.password)
    return oldUserMgmt(c.info)
      ? ` IDENTIFIED BY ${lit(a.password)}`
      : ` IDENTIFIED WITH mysql_native_password AS ${lit(hash!)}`;
  if (a.plugin && a.pluginHashString) return ` IDENTIFIED WITH ${a.plugin} AS ${lit(a.pluginHashString)}`;
  if (a.plugin && a.pluginAuthString)
    return ` IDENTIFIED WITH ${a.plugin} ${a.plugin === "pam" ? "USING" : "BY"} ${lit(a.pluginAuthString)}`;
  if (a.plugin) return ` IDENTIFIED WITH ${a.plugin}`;
  return "";
}

/** get_existing_authentication: the one plugin + auth string the user has on all its hosts, if exactly one. */
async function existingAuthentication(
  c: UserOpsContext,
  user: string,
): Promise<{ plugin: string; auth: string } | undefined> {
  const rows = c.info.mariadb
    ? await c.s.query(
        "select plugin, auth from (select plugin, password as auth from mysql.user where user=? union select plugin, authentication_string as auth from mysql.user where user=?) x group by plugin, auth limit 2",
        [user, user],
      )
    : await c.s.query(
        "select plugin, authentication_string as auth from mysql.user where user=? group by plugin, authentication_string limit 2",
        [user],
      );
  return rows.length === 1 ? { plugin: String(rows[0]![0]), auth: String(rows[0]![1]) } : undefined;
}

/** user_add: CREATE USER, then the grants. */
export async function userAdd(
  c: UserOpsContext,
  user: string,
  host: string,
  auth: AuthSpec,
  newPriv: PrivMap | null,
  tls: TlsRequires,
  reuseExistingPassword: boolean,
): Promise<UserResult> {
  if (c.check) return { changed: true, msg: "User added", password_changed: null };
  let a = auth;
  let reused = false;
  if (reuseExistingPassword) {
    const existing = await existingAuthentication(c, user);
    if (existing) {
      a = { ...auth, plugin: existing.plugin, pluginHashString: existing.auth, password: null };
      reused = true;
    }
  }
  const hash = a.password && !a.encrypted && !oldUserMgmt(c.info) ? await hashOf(c, a.password) : undefined;
  let sql = `CREATE USER ${who(c, user, host)}${identifiedClause(c, a, hash)}`;
  if (!oldUserMgmt(c.info)) sql += requireClause(tls, c.s.literal);
  await c.s.exec(sql);
  if (newPriv)
    for (const [dbTable, priv] of newPriv) await privilegesGrant(c, user, host, dbTable, priv, tls);
  if (tls !== null) await privilegesGrant(c, user, host, "*.*", await getGrants(c, user, host), tls);
  return { changed: true, msg: "User added", password_changed: !reused };
}

export type PrivMode = "replace" | "append" | "subtract";

/** user_mod: password, plugin, privileges and TLS requirement of an existing user, host by host. */
export async function userMod(
  c: UserOpsContext,
  user: string,
  hosts: string[],
  auth: AuthSpec,
  newPriv: PrivMap | null,
  mode: PrivMode,
  tls: TlsRequires,
): Promise<UserResult> {
  let changed = false;
  let msg = "User unchanged";
  let passwordChanged = false;
  let grantOption = false;
  let privsBefore: PrivMap | undefined;
  let privsAfter: PrivMap | undefined;
  const early = (m: string): UserResult => ({
    changed: true,
    msg: m,
    password_changed: passwordChanged,
    ...(privsBefore ? { privsBefore } : {}),
  });

  for (const host of hosts) {
    if (auth.password) {
      const current = await currentHash(c, user, host);
      let wanted: string;
      if (auth.encrypted) {
        if (!isHash(auth.password))
          throw new UserOpsFailure(
            "encrypted was specified however it does not appear to be a valid hash expecting: *SHA1(SHA1(your_password))",
          );
        wanted = auth.password;
      } else wanted = await hashOf(c, auth.password);
      if (current !== wanted) {
        passwordChanged = true;
        msg = "Password updated";
        if (c.check) return early(msg);
        if (oldUserMgmt(c.info)) {
          await c.s.exec(`SET PASSWORD FOR ${who(c, user, host)} = ${c.s.literal(wanted)}`);
          msg = "Password updated (old style)";
        } else {
          try {
            await c.s.exec(
              `ALTER USER ${who(c, user, host)} IDENTIFIED WITH mysql_native_password AS ${c.s.literal(wanted)}`,
            );
            msg = "Password updated (new style)";
          } catch (e) {
            if (!(e instanceof MysqlError) || e.errno !== 1396) throw e;
            await c.s.exec(
              "UPDATE mysql.user SET plugin = ?, authentication_string = ?, Password = '' WHERE User = ? AND Host = ?",
              ["mysql_native_password", wanted, user, host],
            );
            await c.s.exec("FLUSH PRIVILEGES");
            msg = "Password forced update";
          }
        }
        changed = true;
      }
    }

    if (auth.plugin) {
      const rows = await c.s.query(
        "SELECT plugin, authentication_string FROM mysql.user WHERE user = ? AND host = ?",
        [user, host],
      );
      const [plugin, authString] = rows[0] ?? [];
      const update =
        plugin !== auth.plugin ||
        (!!auth.pluginHashString && authString !== auth.pluginHashString) ||
        (!!auth.pluginAuthString && authString !== auth.pluginAuthString);
      if (update) {
        // As the collection: no check-mode stop here (it would change the plugin even in check mode); infra does not.
        if (c.check) return early(msg);
        await c.s.exec(
          `ALTER USER ${who(c, user, host)}${identifiedClause(c, { ...auth, password: null, encrypted: false })}`,
        );
        passwordChanged = true;
        changed = true;
      }
    }

    if (newPriv) {
      const curr = await privilegesGet(c, user, host);
      privsBefore = curr;
      if (mode === "replace") {
        for (const [dbTable, priv] of curr) {
          if (priv.includes("GRANT")) grantOption = true;
          if (!newPriv.has(dbTable) && user !== "root" && !priv.includes("PROXY")) {
            msg = "Privileges updated";
            if (c.check) return early(msg);
            await privilegesRevoke(c, user, host, dbTable, priv, grantOption);
            changed = true;
          }
        }
      }
      if (mode !== "subtract") {
        for (const [dbTable, priv] of newPriv) {
          if (!curr.has(dbTable)) {
            msg = "New privileges granted";
            if (c.check) return early(msg);
            await privilegesGrant(c, user, host, dbTable, priv, tls);
            changed = true;
          }
        }
      }
      for (const dbTable of [...newPriv.keys()].filter((k) => curr.has(k))) {
        const want = newPriv.get(dbTable)!;
        const have = curr.get(dbTable)!;
        let grantPrivs: string[] = [];
        let revokePrivs: string[] = [];
        if (mode === "append") grantPrivs = setMinus(want, have);
        else if (mode === "subtract") revokePrivs = unique(want.filter((p) => have.includes(p)));
        else {
          grantPrivs = setMinus(want, have);
          revokePrivs = setMinus(have, want);
          if (grantPrivs.includes("ALL") || grantPrivs.includes("ALL PRIVILEGES"))
            revokePrivs = revokePrivs.filter((p) => p === "GRANT" || p === "PROXY");
          grantOption = revokePrivs.includes("GRANT") && !grantPrivs.includes("GRANT");
        }
        if (grantPrivs.length === 1 && grantPrivs[0] === "GRANT") grantPrivs.push("USAGE");
        if (grantPrivs.length + revokePrivs.length > 0) {
          msg = `Privileges updated: granted ${pyRepr(grantPrivs)}, revoked ${pyRepr(revokePrivs)}`;
          if (c.check) return early(msg);
          if (revokePrivs.length) await privilegesRevoke(c, user, host, dbTable, revokePrivs, grantOption);
          if (grantPrivs.length) await privilegesGrant(c, user, host, dbTable, grantPrivs, tls);
        }
      }
      privsAfter = await privilegesGet(c, user, host);
      changed = changed || !privMapsEqual(curr, privsAfter);
    }

    const currentTls = await getTlsRequires(c, user, host);
    if (!requiresEqual(currentTls, tls)) {
      msg = "TLS requires updated";
      if (c.check) return early(msg);
      const pre = oldUserMgmt(c.info)
        ? `GRANT ${(await getGrants(c, user, host)).join(",")} ON *.* TO`
        : "ALTER USER";
      await c.s.exec(
        `${pre} ${who(c, user, host)}${tls !== null ? requireClause(tls, c.s.literal) : " REQUIRE NONE"}`,
      );
      changed = true;
    }
  }
  return {
    changed,
    msg,
    password_changed: passwordChanged,
    ...(privsBefore ? { privsBefore } : {}),
    ...(privsAfter ? { privsAfter } : {}),
  };
}

const columnCache = new WeakMap<MysqlSession, [string, string]>();

/**
 * The stored hash the way user_mod selects it: the first non-empty of the Password and authentication_string
 * columns (whichever exist; Password first), or null.
 */
async function currentHash(c: UserOpsContext, user: string, host: string): Promise<string | null> {
  let cols = columnCache.get(c.s);
  if (!cols) {
    const rows = await c.s.query(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'user' AND COLUMN_NAME IN ('Password', 'authentication_string') ORDER BY COLUMN_NAME DESC",
    );
    const names = rows.map((r) => String(r[0]));
    cols = [names[0]!, names[names.length - 1]!];
    columnCache.set(c.s, cols);
  }
  const [a, b] = cols;
  const rows = await c.s.query(
    `SELECT COALESCE(CASE WHEN ${a} = '' THEN NULL ELSE ${a} END, CASE WHEN ${b} = '' THEN NULL ELSE ${b} END) FROM mysql.user WHERE user = ? AND host = ?`,
    [user, host],
  );
  const v = rows[0]?.[0];
  return v === null || v === undefined ? null : String(v);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
function setMinus(a: string[], b: string[]): string[] {
  return unique(a.filter((x) => !b.includes(x)));
}

/** user_delete: DROP USER on each host (all of the user's hosts with host_all). */
export async function userDelete(c: UserOpsContext, user: string, hosts: string[]): Promise<boolean> {
  if (c.check) return true;
  for (const h of hosts) {
    try {
      await c.s.exec(`DROP USER IF EXISTS ${who(c, user, h)}`);
    } catch {
      await c.s.exec(`DROP USER ${who(c, user, h)}`);
    }
  }
  return true;
}

/** Current resource limits (get_resource_limits), null when the user does not exist. */
export async function getResourceLimits(
  c: UserOpsContext,
  user: string,
  host: string,
): Promise<Record<string, number> | null> {
  const cols = ["max_questions", "max_updates", "max_connections", "max_user_connections"];
  if (c.info.mariadb) cols.push("max_statement_time");
  const rows = await c.s.query(`SELECT ${cols.join(", ")} FROM mysql.user WHERE User = ? AND Host = ?`, [
    user,
    host,
  ]);
  const r = rows[0];
  if (!r) return null;
  const names = [
    "MAX_QUERIES_PER_HOUR",
    "MAX_UPDATES_PER_HOUR",
    "MAX_CONNECTIONS_PER_HOUR",
    "MAX_USER_CONNECTIONS",
    "MAX_STATEMENT_TIME",
  ];
  const out: Record<string, number> = {};
  r.forEach((v, i) => (out[names[i]!] = Number(v)));
  return out;
}

/** limit_resources: ALTER USER … WITH the limits that differ; true when something differs. */
export async function limitResources(
  c: UserOpsContext,
  user: string,
  host: string,
  limits: Record<string, unknown>,
): Promise<boolean> {
  if (versionBelow(c.info.version, c.info.mariadb ? "10.2" : "5.6"))
    throw new UserOpsFailure(
      "The server version does not match the requirements for resource_limits parameter. See module's documentation.",
    );
  if (!c.info.mariadb && "MAX_STATEMENT_TIME" in limits)
    throw new UserOpsFailure("MAX_STATEMENT_TIME resource limit is only supported by MariaDB.");
  const current = await getResourceLimits(c, user, host);
  const change: [string, number][] = [];
  for (const [key, raw] of Object.entries(limits)) {
    if (current && !(key in current))
      throw new UserOpsFailure(`resource_limits: key '${key}' is unsupported.`);
    const val =
      typeof raw === "number" ? Math.trunc(raw) : /^\s*[-+]?\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
    if (Number.isNaN(val)) throw new UserOpsFailure(`Can't convert value '${String(raw)}' to integer.`);
    if (!current || val !== current[key]) change.push([key, val]);
  }
  if (!change.length) return false;
  if (c.check) return true;
  await c.s.exec(`ALTER USER ${who(c, user, host)} WITH ${change.map(([k, v]) => `${k} ${v}`).join(" ")}`);
  return true;
}
