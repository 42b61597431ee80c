/** The engine-facing API on its own: implicit localhost, groups/group_names, limits, vault values, sources. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyLimit,
  groupNames,
  groupsMap,
  hostInventoryVars,
  loadInventory,
  selectHosts,
  splitHostPattern,
} from "../../../src/inventory/index.js";
import { expandHostnameRange } from "../../../src/inventory/host-address.js";
import { VaultString } from "../../../src/vault/vault-string.js";

const FIX = resolve(import.meta.dirname, "../../fixtures/inventory");
const names = (hs: { name: string }[]) => hs.map((h) => h.name);

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-inv-api-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe("inventory API", () => {
  it("localhost exists only when asked for, outside `all`, with a local connection", () => {
    const inv = loadInventory([join(FIX, "tricky.ini")]);
    expect(names(selectHosts(inv, "all"))).not.toContain("localhost");
    const [local] = selectHosts(inv, "localhost");
    expect(local?.implicit).toBe(true);
    expect(hostInventoryVars(inv, local!)).toMatchObject({
      ansible_connection: "local",
      ntp: "time.example.com",
    });
    expect(groupsMap(inv).all).not.toContain("localhost");
  });

  it("groups map and group_names as Ansible builds them", () => {
    const inv = loadInventory([join(FIX, "tricky.ini")]);
    const groups = groupsMap(inv);
    expect(Object.keys(groups)).toEqual(["all", "ungrouped", "web", "db", "dbs", "backup", "prod", "empty"]);
    expect(groups.ungrouped).toEqual(["lonely", "bastion.example.com", "solo"]);
    expect(groups.dbs).toEqual(["db-a", "db-b", "db-c", "web01", "bk1", "bk5", "bk9"]);
    expect(groups.empty).toEqual([]);
    expect(groupNames(inv.hosts.get("web01")!)).toEqual(["db", "dbs", "prod", "web"]);
    expect(groupNames(inv.hosts.get("solo")!)).toEqual(["ungrouped"]);
    const vars = hostInventoryVars(inv, "bastion.example.com");
    expect(vars).toMatchObject({
      ansible_port: 2200,
      inventory_hostname_short: "bastion",
      group_names: ["ungrouped"],
    });
    expect(vars.inventory_file).toBe(join(FIX, "tricky.ini"));
  });

  it("--limit with @file reads one pattern per line, relative to cwd", () => {
    const dir = tmp({ "retry.txt": "web02\n\ndb-c\n" });
    const inv = loadInventory([join(FIX, "tricky.ini")]);
    const all = selectHosts(inv, "all");
    expect(names(applyLimit(inv, all, "@retry.txt", { cwd: dir }))).toEqual(["web02", "db-c"]);
    expect(names(selectHosts(inv, "prod", { limit: ["@retry.txt", "lonely"], cwd: dir }))).toEqual([
      "web02",
      "db-c",
    ]);
    expect(() => applyLimit(inv, all, "@missing.txt", { cwd: dir })).toThrow(/Unable to find limit file/);
  });

  it("warns about a pattern that matches nothing and fails on an out-of-range subscript", () => {
    const inv = loadInventory([join(FIX, "tricky.ini")]);
    const warnings: string[] = [];
    expect(selectHosts(inv, "nosuch", { onWarning: (w) => warnings.push(w) })).toEqual([]);
    expect(warnings).toEqual(["Could not match supplied host pattern, ignoring: nosuch"]);
    expect(() => selectHosts(inv, "web[7]")).toThrow(/No hosts matched the subscripted pattern 'web\[7\]'/);
  });

  it("splits patterns like Ansible: commas, colons, but not an address with a port or a range", () => {
    expect(splitHostPattern("web:&db:!web01")).toEqual(["web", "&db", "!web01"]);
    expect(splitHostPattern("a, b[1] ,c[2:3]")).toEqual(["a", "b[1]", "c[2:3]"]);
    expect(splitHostPattern("web[0:2]")).toEqual(["web[0:2]"]);
    expect(splitHostPattern("host1:22")).toEqual(["host1:22"]);
  });

  it("keeps !vault values encrypted in group_vars", () => {
    const dir = tmp({
      "hosts.ini": "[web]\nw1\n",
      "group_vars/web.yml": "secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\nplain: x\n",
    });
    const vars = hostInventoryVars(loadInventory([join(dir, "hosts.ini")]), "w1");
    expect(vars.secret).toBeInstanceOf(VaultString);
    expect(vars.plain).toBe("x");
  });

  it("an empty .yml file and a comment-only INI file are empty inventories", () => {
    const dir = tmp({ "empty.yml": "", comments: "# nothing here\n; nor here\n" });
    const inv = loadInventory([join(dir, "empty.yml"), join(dir, "comments")]);
    expect(inv.hosts.size).toBe(0);
  });

  it("a non-mapping vars file is an error naming the file", () => {
    const dir = tmp({ "hosts.ini": "[web]\nw1\n", "host_vars/w1.yml": "- a\n- b\n" });
    expect(() => hostInventoryVars(loadInventory([join(dir, "hosts.ini")]), "w1")).toThrow(/expected dicts/);
  });

  it("expands ranges like Ansible, letters and steps included", () => {
    expect(expandHostnameRange("web[01:03]")).toEqual(["web01", "web02", "web03"]);
    expect(expandHostnameRange("db-[a:c]")).toEqual(["db-a", "db-b", "db-c"]);
    expect(expandHostnameRange("n[1:10:3]")).toEqual(["n1", "n4", "n7", "n10"]);
    expect(expandHostnameRange("r[1:2]-[a:b]")).toEqual(["r1-a", "r1-b", "r2-a", "r2-b"]);
    expect(() => expandHostnameRange("x[01:100]")).toThrow(/equal-length/);
  });

  it("host-list sources: ports parsed, ranges not expanded, inventory_dir like Ansible's", () => {
    const inv = loadInventory(["a,b:2222,c[1:2],"]);
    expect(names(selectHosts(inv, "all"))).toEqual(["a", "b", "c[1:2]"]);
    expect(hostInventoryVars(inv, "b")).toMatchObject({ ansible_port: 2222, inventory_dir: "None" });
  });
});
