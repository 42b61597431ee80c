/**
 * The smaller pieces mysql_user and mysql_db rely on: identifier quoting and TLS requirement parsing (checked
 * against the collection's Python), the native password hash, server version checks, and the mysqldump/mysql
 * command lines (no password on them).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  compressorFor,
  loginOptions,
  optionFileValue,
  secretOptionFile,
  targetOptions,
  type CliLogin,
} from "../../../../src/modules/db/mysql-cli.js";
import { mysqlQuoteIdentifier } from "../../../../src/modules/db/mysql-quote.js";
import { versionBelow } from "../../../../src/modules/db/mysql-server.js";
import {
  parseRequires,
  requireClause,
  requiresEqual,
  sanitizeRequires,
  shlexSplit,
} from "../../../../src/modules/db/mysql-tls.js";
import { isHash, nativePasswordHash } from "../../../../src/modules/db/mysql-user-ops.js";

const PY = `
import sys, json, shlex
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from ansible_collections.community.mysql.plugins.module_utils.database import mysql_quote_identifier
from ansible_collections.community.mysql.plugins.module_utils.user import sanitize_requires
req = json.load(sys.stdin)
def q(x):
    try: return mysql_quote_identifier(x, "database")
    except Exception as e: return "error: " + str(e)
print(json.dumps({
  "quote": [q(x) for x in req["quote"]],
  "tls": [sanitize_requires(x) for x in req["tls"]],
  "shlex": [shlex.split(x) for x in req["shlex"]],
}))
`;
const QUOTE = ["agama", "my`db", "`quoted`", "a.b", "a.b.c", ".lead", "trail.", "`a`.`b`", "`bad`x", "db-1"];
const TLS = [
  null,
  {},
  { ssl: true },
  { X509: true, SSL: true },
  { cipher: "ECDHE", ssl: true },
  { SUBJECT: "/CN=x" },
];
const SHLEX = ["CIPHER 'ECDHE-RSA' AND SUBJECT '/C=EE/CN=x y'", `ISSUER "a \\"b\\""`, "a b\\ c"];

const py = JSON.parse(
  execFileSync("/usr/bin/python3", ["-c", PY], {
    input: JSON.stringify({ quote: QUOTE, tls: TLS, shlex: SHLEX }),
  }).toString(),
) as { quote: string[]; tls: unknown[]; shlex: string[][] };

describe("mysql_quote_identifier", () => {
  it.each(QUOTE.map((q, i) => [q, i] as const))("%s", (q, i) => {
    let got: string;
    try {
      got = mysqlQuoteIdentifier(q, "database");
    } catch (e) {
      got = `error: ${(e as Error).message}`;
    }
    expect(got).toBe(py.quote[i]);
  });
});

describe("TLS requirements", () => {
  it.each(TLS.map((t, i) => [JSON.stringify(t), t, i] as const))("sanitize %s", (_n, t, i) => {
    expect(sanitizeRequires(t as Record<string, unknown> | null)).toEqual(py.tls[i]);
  });
  it.each(SHLEX.map((s, i) => [s, i] as const))("shlex.split %s", (s, i) => {
    expect(shlexSplit(s)).toEqual(py.shlex[i]);
  });
  it("reads SHOW CREATE USER lines", () => {
    expect(parseRequires(["CREATE USER `u`@`h` IDENTIFIED BY PASSWORD '*AB'"])).toBeNull();
    expect(parseRequires(["CREATE USER `u`@`h` REQUIRE SSL"])).toBe("SSL");
    expect(parseRequires(["CREATE USER `u`@`h` REQUIRE NONE PASSWORD EXPIRE"])).toBeNull();
    expect(parseRequires(["CREATE USER `u`@`h` REQUIRE CIPHER 'x'"])).toEqual({ CIPHER: "x" });
  });
  it("writes REQUIRE clauses and compares", () => {
    const lit = (v: string) => `'${v}'`;
    expect(requireClause("X509", lit)).toBe(" REQUIRE X509");
    expect(requireClause({ CIPHER: "a", ISSUER: "b" }, lit)).toBe(" REQUIRE CIPHER 'a' AND ISSUER 'b'");
    expect(requireClause(null, lit)).toBe("");
    expect(requiresEqual({ A: "1", B: "2" }, { B: "2", A: "1" })).toBe(true);
    expect(requiresEqual("SSL", null)).toBe(false);
  });
});

describe("passwords and versions", () => {
  it("hashes as the server's PASSWORD() (value read from MariaDB)", () => {
    expect(nativePasswordHash("s3cret")).toBe("*B865CAE8F340F6CE1485A06F4492BB49718DF1EC");
    expect(isHash("*B865CAE8F340F6CE1485A06F4492BB49718DF1EC")).toBe(true);
    expect(isHash("B865CAE8F340F6CE1485A06F4492BB49718DF1EC")).toBe(false);
  });
  it("compares versions as LooseVersion does for these checks", () => {
    expect(versionBelow("10.11.19-MariaDB-0+deb12u1", "10.2")).toBe(false);
    expect(versionBelow("10.1.48-MariaDB", "10.2")).toBe(true);
    expect(versionBelow("5.7.30", "5.7")).toBe(false);
    expect(versionBelow("8.0.36", "8")).toBe(false);
  });
});

describe("mysqldump / mysql command lines", () => {
  const login: CliLogin = {
    host: "localhost",
    port: 3306,
    user: "backup",
    password: 'p"w\\#x',
    socket: null,
    configFile: "/root/.my.cnf",
    restrictConfigFile: false,
    implicitAdmin: false,
  };
  it("puts the password in the temporary option file, never on the line", () => {
    const secret = secretOptionFile(login, "notNull");
    expect(secret).toBe('!include /root/.my.cnf\n[client]\npassword="p\\"w\\\\#x"\n');
    const opts = loginOptions(login, secret, "notNull");
    expect(opts).toEqual(['--defaults-extra-file="$t"', "--user=backup"]);
    expect(opts.join(" ")).not.toContain('p"w');
  });
  it("uses the user's option file as is when there is no password", () => {
    const l = { ...login, password: null, restrictConfigFile: true };
    expect(secretOptionFile(l, "notNull")).toBeUndefined();
    expect(loginOptions(l, undefined, "notNull")).toEqual(["--defaults-file=/root/.my.cnf", "--user=backup"]);
    expect(loginOptions({ ...l, password: "" }, undefined, "notNull")).toContain("--password=''");
  });
  it("logs in as root for check_implicit_admin and picks socket or host", () => {
    expect(loginOptions({ ...login, implicitAdmin: true, configFile: null }, undefined, "truthy")).toEqual([
      "--user=root",
      "--password=''",
    ]);
    expect(targetOptions({ ...login, socket: "/run/mysqld/mysqld.sock" }, true)).toEqual([
      "--socket=/run/mysqld/mysqld.sock",
    ]);
    expect(targetOptions(login, true)).toEqual(["--host=localhost", "--port=3306"]);
  });
  it("escapes option file values", () => {
    expect(optionFileValue("a\nb\tc")).toBe('"a\\nb\\tc"');
  });
  it("chooses the compressor from the extension as os.path.splitext", () => {
    expect(compressorFor("/tmp/a.sql.gz")).toBe("gzip");
    expect(compressorFor("/tmp/a.bz2")).toBe("bzip2");
    expect(compressorFor("/tmp/a.sql.xz")).toBe("xz");
    expect(compressorFor("/tmp/.gz")).toBeUndefined();
    expect(compressorFor("/tmp/x.gz/plain")).toBeUndefined();
  });
});
