/**
 * Property test over the loaders: valid inputs, mutated at random (characters that matter to YAML, INI, Jinja2 and
 * vault text inserted, deleted, swapped, lines cut or repeated) — playbooks, inventories, ansible.cfg, vault text,
 * templates and check definitions — must either load or fail with an InfraError —
 * never another exception, and never take long enough to look like a hang. Runs for a fixed time budget
 * (INFRA_FUZZ_SECONDS, 20 s by default, shared by the targets); a failure prints the seed and the input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadDefinitions } from "../../../src/checks/definitions.js";
import { parseConfigIni } from "../../../src/config/configparser.js";
import { parseIniInventory } from "../../../src/inventory/ini.js";
import { Inventory } from "../../../src/inventory/model.js";
import { parseYamlInventory } from "../../../src/inventory/yaml-inventory.js";
import { loadPlaybook } from "../../../src/playbook/playbook.js";
import { Templar } from "../../../src/template/templar.js";
import { isInfraError } from "../../../src/util/errors.js";
import { parseYaml } from "../../../src/util/yaml.js";
import { decrypt, encrypt } from "../../../src/vault/vault.js";
import { mutated } from "./mutations.js";

const BUDGET_MS = Number(process.env.INFRA_FUZZ_SECONDS ?? 20) * 1000;
/** One input taking this long is treated as a hang (the loaders handle real files in milliseconds). */
const SLOW_MS = 2000;
const dir = mkdtempSync(join(tmpdir(), "infra-fuzz-"));
const read = (p: string) => readFileSync(resolve(p), "utf8");

interface Target {
  name: string;
  seeds: string[];
  load: (text: string) => unknown;
}

const PASSWORD = "fuzz-password";
const isModule = Object.assign((n: string) => ["debug", "command", "copy", "template", "file"].includes(n), {
  names: () => ["debug", "command", "copy", "template", "file"],
});

const targets: Target[] = [
  {
    name: "YAML (playbooks, vars files)",
    seeds: [read("playbooks/infra.yaml"), read("roles/backup/tasks/main.yml"), read("group_vars/all.yaml")],
    load: (t) => parseYaml(t, "fuzz.yml"),
  },
  {
    name: "playbook loader",
    seeds: [
      read("test/fixtures/playbook/composed.yml"),
      read("roles/mysql_backup/tasks/main.yml")
        .replace(/^/, "- hosts: all\n  tasks:\n")
        .replace(/\n(?=.)/g, "\n    "),
    ],
    load: (t) => {
      const file = join(dir, "site.yml");
      writeFileSync(file, t);
      return loadPlaybook(file, { rolesPath: [join(dir, "roles")], isModule });
    },
  },
  {
    name: "INI inventory",
    seeds: [read("test/fixtures/inventory/tricky.ini"), read("test/fixtures/inventory/priority.ini")],
    load: (t) => parseIniInventory(new Inventory(), t, "hosts.ini"),
  },
  {
    name: "YAML inventory",
    seeds: [read("test/fixtures/inventory/inventory.yml")],
    load: (t) => parseYamlInventory(new Inventory(), parseYaml(t, "hosts.yml").documents[0], "hosts.yml"),
  },
  {
    name: "ansible.cfg",
    seeds: [read("ansible.cfg"), read("test/fixtures/course-repo/ansible.cfg")],
    load: (t) => parseConfigIni(t, "ansible.cfg"),
  },
  {
    name: "vault text",
    seeds: [encrypt("db_password: s3cret\n", PASSWORD), encrypt("x", PASSWORD, { label: "prod" })],
    load: (t) => decrypt(t, PASSWORD),
  },
  {
    name: "check definitions",
    seeds: [read("checks/lab09.yaml"), read("checks/lab10.yaml")],
    load: (t) => {
      const file = join(dir, "lab.yaml");
      writeFileSync(file, t);
      return loadDefinitions([file]);
    },
  },
  {
    name: "Jinja2 templates",
    seeds: [
      read("roles/mysql_backup/templates/mysql-backup.cron.j2"),
      "{{ items | map(attribute='name') | join(',') }} {% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}",
      "{% if a is defined and a > 1 %}{{ a * 2 }}{% else %}{{ b | default('x') | upper }}{% endif %}",
    ],
    load: (t) => new Templar({ vars: { a: 2, b: "y", items: [{ name: "n" }], d: { k: 1 } } }).template(t),
  },
];

describe("fuzz: mutated valid inputs load or fail with an InfraError", () => {
  for (const target of targets) {
    it(target.name, { timeout: BUDGET_MS + 30_000 }, () => {
      let slowest = { ms: 0, input: "" };
      const property = fc.property(mutated(target.seeds), (text) => {
        const start = performance.now();
        try {
          target.load(text);
        } catch (e) {
          if (!isInfraError(e)) throw e;
        } finally {
          const ms = performance.now() - start;
          if (ms > slowest.ms) slowest = { ms, input: text };
        }
        if (performance.now() - start > SLOW_MS)
          throw new Error(`took ${Math.round(performance.now() - start)} ms`);
      });
      const out = fc.check(property, {
        numRuns: Number.MAX_SAFE_INTEGER,
        interruptAfterTimeLimit: BUDGET_MS / targets.length,
        seed: process.env.INFRA_FUZZ_SEED ? Number(process.env.INFRA_FUZZ_SEED) : undefined,
      });
      const report = out.failed
        ? `seed ${out.seed}, path ${out.counterexamplePath}\ninput: ${JSON.stringify(out.counterexample?.[0])}\n${String(out.errorInstance)}`
        : "";
      expect(out.failed, report).toBe(false);
      // It really ran: a budget that allows no input would prove nothing.
      expect(out.numRuns).toBeGreaterThan(50);
      expect(slowest.ms, `slowest input: ${JSON.stringify(slowest.input.slice(0, 300))}`).toBeLessThan(
        SLOW_MS,
      );
    });
  }
});
