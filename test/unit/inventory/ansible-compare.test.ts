/**
 * The proof: our inventory against the real `ansible-inventory` / `ansible --list-hosts` (Ansible 2.14) on the
 * tricky inventories in test/fixtures/inventory/.
 */
import { describe, expect, it } from "vitest";
import { join, resolve } from "node:path";
import { loadInventory, selectHosts } from "../../../src/inventory/index.js";
import { hostVarsJson, inventoryListJson } from "../../../src/inventory/ansible-json.js";
import { ansibleHost, ansibleList, ansibleListHosts, hasAnsible } from "./ansible-oracle.js";

const FIX = resolve(import.meta.dirname, "../../fixtures/inventory");
const SITE_INV = join(FIX, "site/inventory");
const SITE_PLAY = join(FIX, "site/playbook");

const cases: { name: string; sources: string[]; playbookDir?: string }[] = [
  { name: "tricky INI", sources: [join(FIX, "tricky.ini")] },
  { name: "group priority and depth", sources: [join(FIX, "priority.ini")] },
  { name: "YAML inventory", sources: [join(FIX, "inventory.yml")] },
  { name: "directory with group_vars, host_vars and playbook vars", sources: [SITE_INV], playbookDir: SITE_PLAY },
  { name: "several sources at once", sources: [join(FIX, "priority.ini"), join(FIX, "inventory.yml")] },
  { name: "comma host list", sources: ["alpha,beta:2222,10.0.0.9,web[1:2],"] },
];

describe.skipIf(!hasAnsible)("inventory matches ansible-inventory --list", () => {
  for (const c of cases) {
    it(c.name, () => {
      const ours = inventoryListJson(loadInventory(c.sources), { playbookDir: c.playbookDir });
      expect(ours).toEqual(ansibleList(c.sources, c.playbookDir));
    });
  }
});

describe.skipIf(!hasAnsible)("host variables match ansible-inventory --host", () => {
  const hosts: [string[], string, string?][] = [
    [[SITE_INV], "web1.example.com", SITE_PLAY],
    [[SITE_INV], "db1", SITE_PLAY],
    [[SITE_INV], "web3.example.com"],
    [[join(FIX, "priority.ini")], "h1"],
    [[join(FIX, "inventory.yml")], "db2"],
    [[join(FIX, "inventory.yml")], "webx"],
  ];
  for (const [sources, host, pb] of hosts) {
    it(`${host}${pb ? " with playbook dir" : ""}`, () => {
      const ours = hostVarsJson(loadInventory(sources), host, { playbookDir: pb });
      expect(ours).toEqual(ansibleHost(sources, host, pb));
    });
  }
});

describe.skipIf(!hasAnsible)("host patterns match ansible --list-hosts", () => {
  const tricky = [join(FIX, "tricky.ini")];
  const yaml = [join(FIX, "inventory.yml")];
  const patterns: [string[], string, string?][] = [
    [tricky, "all"],
    [tricky, "*"],
    [tricky, "prod"],
    [tricky, "web*"],
    [tricky, "db*"],
    [tricky, "*.example.com"],
    [tricky, "~(web|db)-?[0-9a]"],
    [tricky, "web:db"],
    [tricky, "web,backup,lonely"],
    [tricky, "prod:&db"],
    [tricky, "prod:!db"],
    [tricky, "!db:web"],
    [tricky, "web[0]"],
    [tricky, "web[-1]"],
    [tricky, "web[1:3]"],
    [tricky, "web[2:]"],
    [tricky, "ungrouped"],
    [tricky, "db-?"],
    [tricky, "web0[1-3]"],
    [tricky, "all", "web[0:1]:db-b"],
    [tricky, "prod", "!web"],
    [tricky, "localhost"],
    [yaml, "all"],
    [yaml, "prod"],
    [yaml, "replicas:staging"],
    [yaml, "db:&prod:!replicas"],
    [yaml, "ungrouped"],
  ];
  for (const [sources, pattern, limit] of patterns) {
    it(`${pattern}${limit ? ` --limit ${limit}` : ""}`, () => {
      const ours = selectHosts(loadInventory(sources), pattern, { limit }).map((h) => h.name);
      expect(ours).toEqual(ansibleListHosts(sources, pattern, limit));
    });
  }
});
