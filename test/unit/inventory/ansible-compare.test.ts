/**
 * The proof: our inventory against the real `ansible-inventory` / `ansible --list-hosts` (Ansible 2.14) on the
 * tricky inventories in test/fixtures/inventory/. Ansible's answers are fetched up front, a few at a time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join, resolve } from "node:path";
import { loadInventory, selectHosts } from "../../../src/inventory/index.js";
import { hostVarsJson, inventoryListJson } from "../../../src/inventory/ansible-json.js";
import { ansibleHost, ansibleList, ansibleListHosts, hasAnsible, pooled } from "./ansible-oracle.js";

const FIX = resolve(import.meta.dirname, "../../fixtures/inventory");
const SITE_INV = join(FIX, "site/inventory");
const SITE_PLAY = join(FIX, "site/playbook");
const TRICKY = [join(FIX, "tricky.ini")];
const YAML = [join(FIX, "inventory.yml")];

const lists: { name: string; sources: string[]; playbookDir?: string }[] = [
  { name: "tricky INI", sources: TRICKY },
  { name: "group priority and depth", sources: [join(FIX, "priority.ini")] },
  { name: "YAML inventory", sources: YAML },
  {
    name: "directory with group_vars, host_vars and playbook vars",
    sources: [SITE_INV],
    playbookDir: SITE_PLAY,
  },
  { name: "several sources at once", sources: [join(FIX, "priority.ini"), join(FIX, "inventory.yml")] },
  { name: "comma host list", sources: ["alpha,beta:2222,10.0.0.9,web[1:2],"] },
];

const hosts: [string[], string, string?][] = [
  [[SITE_INV], "web1.example.com", SITE_PLAY],
  [[SITE_INV], "db1", SITE_PLAY],
  [[SITE_INV], "web3.example.com"],
  [[join(FIX, "priority.ini")], "h1"],
  [YAML, "db2"],
  [YAML, "webx"],
];

const patterns: [string[], string, string?][] = [
  [TRICKY, "all"],
  [TRICKY, "*"],
  [TRICKY, "prod"],
  [TRICKY, "web*"],
  [TRICKY, "db*"],
  [TRICKY, "*.example.com"],
  [TRICKY, "~(web|db)-?[0-9a]"],
  [TRICKY, "web:db"],
  [TRICKY, "web,backup,lonely"],
  [TRICKY, "prod:&db"],
  [TRICKY, "prod:!db"],
  [TRICKY, "!db:web"],
  [TRICKY, "web[0]"],
  [TRICKY, "web[-1]"],
  [TRICKY, "web[1:3]"],
  [TRICKY, "web[2:]"],
  [TRICKY, "ungrouped"],
  [TRICKY, "db-?"],
  [TRICKY, "web0[1-3]"],
  [TRICKY, "all", "web[0:1]:db-b"],
  [TRICKY, "prod", "!web"],
  [TRICKY, "localhost"],
  [YAML, "all"],
  [YAML, "prod"],
  [YAML, "replicas:staging"],
  [YAML, "db:&prod:!replicas"],
  [YAML, "ungrouped"],
];

describe.skipIf(!hasAnsible)("compared with Ansible 2.14", () => {
  let listed: Record<string, unknown>[] = [];
  let hostVars: Record<string, unknown>[] = [];
  let selected: string[][] = [];

  beforeAll(async () => {
    [listed, hostVars, selected] = await Promise.all([
      pooled(
        lists.map((c) => () => ansibleList(c.sources, c.playbookDir)),
        1,
      ),
      pooled(
        hosts.map(
          ([s, h, pb]) =>
            () =>
              ansibleHost(s, h, pb),
        ),
        1,
      ),
      pooled(
        patterns.map(
          ([s, p, l]) =>
            () =>
              ansibleListHosts(s, p, l),
        ),
        1,
      ),
    ]);
  }, 300_000);

  lists.forEach((c, i) => {
    it(`--list: ${c.name}`, () => {
      const ours = inventoryListJson(loadInventory(c.sources), { playbookDir: c.playbookDir });
      expect(ours).toEqual(listed[i]);
    });
  });

  hosts.forEach(([sources, host, pb], i) => {
    it(`--host ${host}${pb ? " with playbook dir" : ""}`, () => {
      expect(hostVarsJson(loadInventory(sources), host, { playbookDir: pb })).toEqual(hostVars[i]);
    });
  });

  patterns.forEach(([sources, pattern, limit], i) => {
    it(`--list-hosts ${pattern}${limit ? ` --limit ${limit}` : ""}`, () => {
      expect(selectHosts(loadInventory(sources), pattern, { limit }).map((h) => h.name)).toEqual(selected[i]);
    });
  });
});
