/**
 * community.mysql.mysql_db: creates or drops databases (one name or a list), and dumps or imports them with the
 * host's own mysqldump / mysql, as Ansible does (so the dump is the host's, byte for byte). Existence is read over
 * the relayed session (db/relay.ts) in one query; a login password reaches mysqldump through a temporary option
 * file, never the command line (db/mysql-cli.ts).
 */
import { ModuleArgsError } from "./args.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { quote } from "./util/shell.js";
import { strRepr } from "../template/values.js";
import {
  MYSQL_COMMON_ARGS,
  MysqlConnectError,
  MysqlError,
  connectForModule,
  type MysqlLoginArgs,
  type MysqlSession,
} from "./db/mysql-connect.js";
import {
  compressorFor,
  loginOptions,
  secretOptionFile,
  targetOptions,
  wrapScript,
  type CliLogin,
} from "./db/mysql-cli.js";
import { SqlParseError, mysqlQuoteIdentifier } from "./db/mysql-quote.js";

interface MysqlDbArgs extends MysqlLoginArgs {
  name: string[];
  encoding: string;
  collation: string;
  target?: string | null;
  state: "absent" | "dump" | "import" | "present";
  single_transaction: boolean;
  quick: boolean;
  ignore_tables: string[];
  hex_blob: boolean;
  force: boolean;
  master_data: number;
  skip_lock_tables: boolean;
  dump_extra_args?: string | null;
  use_shell: boolean;
  unsafe_login_password: boolean;
  restrict_config_file: boolean;
  check_implicit_admin: boolean;
  config_overrides_defaults: boolean;
  chdir?: string | null;
  pipefail: boolean;
}

async function createDatabases(
  s: MysqlSession,
  names: string[],
  a: MysqlDbArgs,
  executed: string[],
): Promise<boolean> {
  let affected = 0;
  for (const name of names) {
    let sql = `CREATE DATABASE ${mysqlQuoteIdentifier(name, "database")}`;
    if (a.encoding) sql += ` CHARACTER SET ${s.literal(a.encoding)}`;
    if (a.collation) sql += ` COLLATE ${s.literal(a.collation)}`;
    affected += await s.exec(sql);
    executed.push(sql);
  }
  return affected > 0;
}

function dumpCommand(a: MysqlDbArgs, login: CliLogin, secret: string | undefined, all: boolean): string {
  const parts = ["mysqldump", ...loginOptions(login, secret, "notNull")];
  if (a.force) parts.push("--force");
  parts.push(...targetOptions(login, true));
  if (all) parts.push("--all-databases");
  else if (a.name.length > 1) parts.push("--databases", ...a.name.map(quote));
  else parts.push(quote(a.name.join(" ")));
  if (a.skip_lock_tables) parts.push("--skip-lock-tables");
  if (a.encoding) parts.push(`--default-character-set=${quote(a.encoding)}`);
  if (a.single_transaction) parts.push("--single-transaction=true");
  if (a.quick) parts.push("--quick");
  for (const t of a.ignore_tables) parts.push(`--ignore-table=${quote(t)}`);
  if (a.hex_blob) parts.push("--hex-blob");
  if (a.master_data) parts.push(`--master-data=${a.master_data}`);
  // dump_extra_args is shell text by definition (Ansible appends it raw).
  if (a.dump_extra_args) parts.push(a.dump_extra_args);
  const target = quote(a.target!);
  const zip = compressorFor(a.target!);
  return zip
    ? `${a.pipefail ? "set -o pipefail && " : ""}${parts.join(" ")} | ${zip} > ${target}`
    : `${parts.join(" ")} > ${target}`;
}

function importCommand(a: MysqlDbArgs, login: CliLogin, secret: string | undefined, all: boolean): string {
  const parts = ["mysql", ...loginOptions(login, secret, "truthy")];
  if (a.force) parts.push("-f");
  parts.push(...targetOptions(login, true));
  if (a.encoding) parts.push(`--default-character-set=${quote(a.encoding)}`);
  if (!all) parts.push("--one-database", quote(a.name.join("")));
  const target = quote(a.target!);
  const zip = compressorFor(a.target!);
  return zip
    ? `set -o pipefail; ${zip} -dc ${target} | ${parts.join(" ")}`
    : `${parts.join(" ")} < ${target}`;
}

async function runCli(
  ctx: ModuleContext,
  a: MysqlDbArgs,
  s: MysqlSession & { implicitAdmin: boolean },
  all: boolean,
) {
  const login: CliLogin = {
    host: a.login_host,
    port: a.login_port,
    user: a.login_user,
    password: a.login_password,
    socket: a.login_unix_socket,
    configFile: s.configExists ? s.configFile : null,
    restrictConfigFile: a.restrict_config_file,
    implicitAdmin: s.implicitAdmin,
  };
  const dump = a.state === "dump";
  const secret = secretOptionFile(login, dump ? "notNull" : "truthy");
  const cmd = dump ? dumpCommand(a, login, secret, all) : importCommand(a, login, secret, all);
  const zip = compressorFor(a.target!);
  const check = dump ? "" : `[ -e ${quote(a.target!)} ] || { echo "__infra_notarget" >&2; exit 1; }\n`;
  const script = wrapScript(
    check + cmd,
    [dump ? "mysqldump" : "mysql", ...(zip ? [zip] : [])],
    secret !== undefined,
    a.chdir,
  );
  const r = await ctx.conn.exec(script, {
    become: ctx.become,
    shell: "/bin/bash",
    ...(secret !== undefined ? { stdin: secret } : {}),
  });
  if (r.stderr.includes("__infra_chdir"))
    throw new ModuleFailure(
      `Cannot change the current directory to ${a.chdir}: [Errno 2] No such file or directory: '${a.chdir}'`,
    );
  if (r.stderr.includes("__infra_notarget"))
    throw new ModuleFailure(`target ${a.target} does not exist on the host`);
  return { ...r, cmd };
}

async function apply(
  a: MysqlDbArgs,
  ctx: ModuleContext,
  s: MysqlSession & { implicitAdmin: boolean },
): Promise<ModuleResult> {
  const db = a.name;
  const dbName = db.join(" ");
  const all = (a.state === "dump" || a.state === "import") && db.length === 1 && db[0] === "all";
  const executed: string[] = [];
  const exists = new Set<string>();
  if (!all && db.length) {
    const rows = await s.query(
      `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${db.map(() => "?").join(", ")})`,
      db,
    );
    for (const r of rows) exists.add(String(r[0]));
  }
  const existing = all ? [] : db.filter((d) => exists.has(d));
  const missing = all ? [] : db.filter((d) => !exists.has(d));
  const base = { db: dbName, db_list: db };

  if (a.state === "absent") {
    if (ctx.check) return { changed: existing.length > 0, ...base };
    try {
      for (const d of existing) {
        const sql = `DROP DATABASE ${mysqlQuoteIdentifier(d, "database")}`;
        executed.push(sql);
        await s.exec(sql);
      }
    } catch (e) {
      throw new ModuleFailure(`error deleting database: ${(e as Error).message}`);
    }
    return { changed: existing.length > 0, ...base, executed_commands: executed };
  }
  if (a.state === "present") {
    if (ctx.check) return { changed: missing.length > 0, ...base };
    let changed = false;
    try {
      if (missing.length) changed = await createDatabases(s, missing, a, executed);
    } catch (e) {
      throw new ModuleFailure(`error creating database: ${(e as Error).message}`);
    }
    return { changed, ...base, executed_commands: executed };
  }
  if (a.state === "dump" && missing.length)
    throw new ModuleFailure(`Cannot dump database(s) ${strRepr(missing.join(", "))} - not found`);
  if (ctx.check) return { changed: true, ...base };
  if (a.state === "import" && missing.length) {
    try {
      await createDatabases(s, missing, a, executed);
    } catch (e) {
      throw new ModuleFailure(`error creating database: ${(e as Error).message}`);
    }
  }
  const r = await runCli(ctx, a, s, all);
  if (r.rc !== 0) throw new ModuleFailure(r.stderr);
  return { changed: true, ...base, msg: r.stdout, executed_commands: [...executed, r.cmd] };
}

export const mysqlDb: Module<MysqlDbArgs> = {
  name: "mysql_db",
  aliases: ["community.mysql.mysql_db"],
  args: {
    ...MYSQL_COMMON_ARGS,
    name: { type: "list", required: true, aliases: ["db"] },
    encoding: { type: "str", default: "" },
    collation: { type: "str", default: "" },
    target: { type: "path" },
    state: { type: "str", default: "present", choices: ["absent", "dump", "import", "present"] },
    single_transaction: { type: "bool", default: false },
    quick: { type: "bool", default: true },
    ignore_tables: { type: "list", default: [] },
    hex_blob: { type: "bool", default: false },
    force: { type: "bool", default: false },
    master_data: { type: "int", default: 0, choices: [0, 1, 2] },
    skip_lock_tables: { type: "bool", default: false },
    dump_extra_args: { type: "str" },
    use_shell: { type: "bool", default: false },
    unsafe_login_password: { type: "bool", default: false, noLog: true },
    restrict_config_file: { type: "bool", default: false },
    check_implicit_admin: { type: "bool", default: false },
    config_overrides_defaults: { type: "bool", default: false },
    chdir: { type: "path" },
    pipefail: { type: "bool", default: false },
  },
  checkMode: true,
  async run(a, ctx) {
    if (!a.name.length) return { changed: false, db: a.name, db_list: [] };
    a.name = a.name.map((d) => String(d).trim());
    if (a.login_port < 0 || a.login_port > 65535)
      throw new ModuleArgsError("login_port must be a valid unix port number (0-65535)");
    if (a.ignore_tables.some((t) => t === ""))
      throw new ModuleFailure("Name of ignored table cannot be empty");
    if (a.name.length > 1 && a.state === "import")
      throw new ModuleFailure("Multiple databases are not supported with state=import");
    if (a.state === "dump" || a.state === "import") {
      if (!a.target) throw new ModuleArgsError(`with state=${a.state} target is required`);
    } else if (a.name.length === 1 && a.name[0] === "all")
      throw new ModuleFailure("name is not allowed to equal 'all' unless state equals import, or dump.");

    let s: MysqlSession & { implicitAdmin: boolean };
    try {
      s = await connectForModule(ctx, a, {
        implicitAdmin: a.check_implicit_admin,
        configOverridesDefaults: a.config_overrides_defaults,
      });
    } catch (e) {
      if (!(e instanceof MysqlConnectError)) throw e;
      throw new ModuleFailure(
        e.configExists
          ? `unable to connect to database, check login_user and login_password are correct or ${e.configFile} has the credentials. Exception message: ${e.message}`
          : `unable to find ${e.configFile}. Exception message: ${e.message}`,
      );
    }
    try {
      return await apply(a, ctx, s);
    } catch (e) {
      if (e instanceof MysqlError || e instanceof SqlParseError) throw new ModuleFailure(e.message);
      throw e;
    } finally {
      await s.close();
    }
  },
};
