/**
 * Warming a play's other become identities at its first task: a helper for each identity whose tasks may run,
 * none for one whose every task's `when:` is false with what the host's variables say then (engine/
 * warm-helpers.ts). Counted on the connection (stats.helpers) of a real run against the lab's mysql-1.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunContext } from "../../../src/engine/context.js";
import { defaultRunOptions } from "../../../src/engine/options.js";
import { runPlaybook } from "../../../src/engine/run-playbook.js";
import "../../../src/engine/loops.js";
import { loadInventory } from "../../../src/inventory/inventory.js";
import { getModule, moduleNames } from "../../../src/modules/registry.js";
import { loadPlaybook } from "../../../src/playbook/playbook.js";
import { ConnectionPool } from "../../../src/transport/pool.js";
import type { Connection } from "../../../src/transport/types.js";
import { VaultSecrets } from "../../../src/vault/secrets.js";
import { lab } from "../lab-helpers.js";

const PLAYBOOK = `
- hosts: mysql-1
  become: true
  gather_facts: false
  tasks:
    - command: "true"
      changed_when: false
      register: first
    - command: whoami
      become_user: nobody
      changed_when: false
      when: "{{ WHEN }}"
`;

/**
 * Runs the playbook with the `when:` of the `nobody` task: the helpers mysql-1's connection had started when the
 * second task began (warmed ones are, a lazily started one is not yet) and at the end.
 */
async function helpersStarted(
  when: string,
  dir = mkdtempSync(join(tmpdir(), "infra-warm-")),
): Promise<{ atSecondTask: number; atEnd: number; code: number }> {
  writeFileSync(join(dir, "site.yml"), PLAYBOOK.replace("{{ WHEN }}", when));
  const isModule = Object.assign((n: string) => getModule(n) !== undefined, { names: moduleNames });
  const pb = loadPlaybook(join(dir, "site.yml"), { rolesPath: [], isModule });
  const inner = new ConnectionPool({ hostKeyChecking: true });
  const conns: Connection[] = [];
  const pool = {
    get: async (...a: Parameters<ConnectionPool["get"]>) => {
      const c = await inner.get(...a);
      conns.push(c);
      return c;
    },
    closeAll: () => inner.closeAll(),
  } as unknown as ConnectionPool;
  const helpers = () => Math.max(0, ...conns.map((c) => c.stats.helpers ?? 0));
  let tasks = 0;
  let atSecondTask = -1;
  const reporter = {
    emit: (e: { type: string }) => {
      if (e.type === "task_start" && ++tasks === 2) atSecondTask = helpers();
    },
    close: async () => {},
  };
  const inventory = loadInventory([lab().inventory], { cwd: dir });
  try {
    const run = new RunContext(inventory, defaultRunOptions(), new VaultSecrets(), pool, reporter, dir);
    const code = await runPlaybook(run, pb);
    return { atSecondTask, atEnd: helpers(), code };
  } finally {
    await inner.closeAll();
  }
}

describe("warming become identities", () => {
  it("starts a helper for an identity whose task will run (root, then nobody)", async () => {
    expect(await helpersStarted("true")).toEqual({ atSecondTask: 2, atEnd: 2, code: 0 });
  });

  it("starts none for an identity whose only task's condition is false when the play starts", async () => {
    expect(await helpersStarted("false")).toEqual({ atSecondTask: 1, atEnd: 1, code: 0 });
  });

  it("does not evaluate a condition with a lookup ahead of its task (it must run once)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-warm-"));
    const counter = join(dir, "lookups");
    const when = `lookup('pipe', 'echo x >> ${counter}; echo yes') == 'yes'`;
    expect(await helpersStarted(when, dir)).toEqual({ atSecondTask: 2, atEnd: 2, code: 0 });
    expect(readFileSync(counter, "utf8")).toBe("x\n");
  });

  it("warms when the condition cannot be decided yet (a variable the play registers)", async () => {
    expect(await helpersStarted("first.rc == 0")).toEqual({ atSecondTask: 2, atEnd: 2, code: 0 });
  });
});
