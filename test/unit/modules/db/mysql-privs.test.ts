/**
 * Privilege specs and SHOW GRANTS lines parsed as community.mysql parses them: every case is run through the
 * collection's own Python functions (Debian's ansible, /usr/lib/python3/dist-packages) and must come out the same.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  normalizeColGrants,
  parseGrants,
  privDictToString,
  privilegesUnpack,
  privMapsEqual,
  privMapText,
} from "../../../../src/modules/db/mysql-privs.js";

const PY = `
import sys, json
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from ansible_collections.community.mysql.plugins.module_utils import user as u
class Cur:
    def __init__(self, rows): self.rows = rows
    def execute(self, *a): pass
    def fetchall(self): return [(r,) for r in self.rows]
req = json.load(sys.stdin)
out = {"unpack": [], "grants": []}
for spec, mode, usage in req["unpack"]:
    try:
        out["unpack"].append(list(u.privileges_unpack(spec, mode, ensure_usage=usage).items()))
    except Exception as e:
        out["unpack"].append("error")
for lines in req["grants"]:
    out["grants"].append(list(u.privileges_get(Cur(lines), "x", "y").items()))
print(json.dumps(out))
`;

const UNPACK: [string, "ANSI" | "NOTANSI", boolean][] = [
  ["agama.*:LOCK TABLES,SELECT", "NOTANSI", true],
  ["agama.*:SELECT,LOCK TABLES", "NOTANSI", true],
  ["agama.*:lock tables,select", "NOTANSI", false],
  ["*.*:ALL,GRANT", "NOTANSI", true],
  ["*.*:ALL PRIVILEGES", "NOTANSI", true],
  ["mydb.*:INSERT,UPDATE/anotherdb.*:SELECT/yetanotherdb.*:ALL", "NOTANSI", true],
  ["`my-db`.`tbl`:SELECT", "NOTANSI", true],
  ["db.tbl:SELECT", "ANSI", true],
  ["db.t:SELECT (b, A),insert", "NOTANSI", true],
  ["agama.*:LOCK TABLES,SELECT/db.t:SELECT (b, a),INSERT (c,d)", "NOTANSI", true],
  ["FUNCTION db.fn:EXECUTE", "NOTANSI", true],
  ["PROCEDURE db.p:EXECUTE/db.*:SELECT", "NOTANSI", true],
  [" agama.*:SELECT, LOCK TABLES ", "NOTANSI", true],
  ["db.%:SELECT", "NOTANSI", true],
];

const GRANTS: string[][] = [
  [
    "GRANT USAGE ON *.* TO `backup`@`localhost` IDENTIFIED BY PASSWORD '*B865CAE8F340F6CE1485A06F4492BB49718DF1EC'",
    "GRANT SELECT, LOCK TABLES ON `agama`.* TO `backup`@`localhost`",
  ],
  [
    "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA mysql_native_password USING 'invalid' OR unix_socket WITH GRANT OPTION",
    "GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION",
  ],
  ["GRANT USAGE ON *.* TO 'u'@'%'", "GRANT SELECT (`b`, `a`), INSERT ON `db`.`t` TO 'u'@'%'"],
  [
    "GRANT USAGE ON *.* TO `u`@`h`",
    "GRANT `role1` TO `u`@`h`",
    "GRANT SELECT ON `db`.* TO `u`@`h` WITH GRANT OPTION",
  ],
];

function python(): { unpack: unknown[]; grants: unknown[] } {
  const out = execFileSync("/usr/bin/python3", ["-c", PY], {
    input: JSON.stringify({ unpack: UNPACK, grants: GRANTS }),
  });
  return JSON.parse(out.toString()) as { unpack: unknown[]; grants: unknown[] };
}

describe("privileges as community.mysql reads them", () => {
  const want = python();

  it.each(UNPACK.map((c, i) => [i, ...c] as const))("unpack #%i %s (%s)", (i, spec, mode, usage) => {
    expect([...privilegesUnpack(spec, mode, usage).entries()]).toEqual(want.unpack[i]);
  });

  it.each(GRANTS.map((g, i) => [i, g] as const))("SHOW GRANTS set #%i", (i, lines) => {
    expect([...parseGrants(lines).entries()]).toEqual(want.grants[i]);
  });

  it("treats the course's grant written either way as the same object and privileges", () => {
    const a = privilegesUnpack("agama.*:LOCK TABLES,SELECT", "NOTANSI");
    const shown = parseGrants([
      "GRANT USAGE ON *.* TO `backup`@`localhost`",
      "GRANT SELECT, LOCK TABLES ON `agama`.* TO `backup`@`localhost`",
    ]);
    expect(new Set(a.get("`agama`.*"))).toEqual(new Set(shown.get("`agama`.*")));
    expect(a.get("*.*")).toEqual(shown.get("*.*"));
  });

  it("rejects a spec without a colon", () => {
    expect(() => privilegesUnpack("agama.*", "NOTANSI")).toThrow(/invalid privileges string/);
  });

  it("rejects a grant line it cannot read", () => {
    expect(() => parseGrants(["REVOKE nonsense"])).toThrow(
      "unable to parse the MySQL grant string: REVOKE nonsense",
    );
  });

  it("sorts column lists", () => {
    expect(normalizeColGrants(["SELECT (b", "a)", "INSERT"])).toEqual(["SELECT (a, b)", "INSERT"]);
  });

  it("writes a dict as the string form", () => {
    expect(privDictToString({ "agama.*": "SELECT", "db.t": "ALL" })).toBe("agama.*:SELECT/db.t:ALL");
  });

  it("compares like Python dicts and prints sorted diff text", () => {
    const a = new Map([["x", ["A", "B"]]]);
    expect(privMapsEqual(a, new Map([["x", ["A", "B"]]]))).toBe(true);
    expect(privMapsEqual(a, new Map([["x", ["B", "A"]]]))).toBe(false);
    expect(
      privMapText(
        new Map([
          ["b", ["X"]],
          ["*.*", ["USAGE"]],
        ]),
      ),
    ).toBe("*.*: USAGE\nb: X\n");
  });
});
