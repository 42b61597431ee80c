/* global performance */
/**
 * Runs a playbook in this process, the way `infra apply` does, and counts SSH operations (each about one network
 * round trip) per task. The engine runs tasks one after another (linear strategy), so the operations between two
 * task_start events belong to the first of them.
 */
import { dirname, resolve } from "node:path";
import { loadConfig } from "../../dist/config/index.js";
import { loadInventory } from "../../dist/inventory/inventory.js";
import { loadPlaybook } from "../../dist/playbook/playbook.js";
import { RunContext } from "../../dist/engine/context.js";
import { defaultRunOptions } from "../../dist/engine/options.js";
import { runPlaybook } from "../../dist/engine/run-playbook.js";
import { getModule, moduleNames } from "../../dist/modules/registry.js";
import { ConnectionPool } from "../../dist/transport/pool.js";
import { loadVaultSecrets } from "../../dist/vault/secrets.js";
import "../../dist/engine/loops.js";

/** A connector that remembers every connection it hands out, so their counters can be read at any moment. */
function countingPool(pool) {
  const conns = new Set();
  return {
    conns,
    roundTrips: () => [...conns].reduce((n, c) => n + c.stats.roundTrips, 0),
    async get(name, vars) {
      const c = await pool.get(name, vars);
      conns.add(c);
      return c;
    },
    closeAll: () => pool.closeAll(),
  };
}

/**
 * @returns {Promise<{exitCode:number, tasks:{name:string, action:string, hostRuns:number, roundTrips:number, ms:number}[],
 *   roundTrips:number, hostRuns:number}>}
 */
export async function countRoundTrips({ cwd, inventory, playbook, check = false }) {
  const config = loadConfig(cwd, process.env);
  const inv = loadInventory([inventory], { cwd });
  const isModule = Object.assign((n) => getModule(n) !== undefined, { names: moduleNames });
  const pb = loadPlaybook(resolve(cwd, playbook), { rolesPath: config.roles_path, isModule });
  const secrets = await loadVaultSecrets({
    configPasswordFile: config.vault_password_file ?? undefined,
    cwd,
  });
  const options = {
    ...defaultRunOptions(),
    check,
    forks: config.forks,
    gathering: config.gathering,
    hostKeyChecking: config.host_key_checking,
    connectTimeoutSec: config.timeout,
  };
  const pool = countingPool(new ConnectionPool({ hostKeyChecking: options.hostKeyChecking }));
  const tasks = [];
  let current;
  const close = () => {
    if (!current) return;
    current.roundTrips = pool.roundTrips() - current.startedAt;
    current.ms = Math.round(performance.now() - current.startedMs);
  };
  const reporter = {
    emit(e) {
      if (e.type === "task_start") {
        close();
        current = {
          name: e.task.name,
          action: e.task.action,
          hostRuns: 0,
          startedAt: pool.roundTrips(),
          startedMs: performance.now(),
        };
        tasks.push(current);
      } else if (
        e.type === "host_result" &&
        current &&
        !e.result.itemLabel &&
        e.result.status !== "skipped"
      ) {
        current.hostRuns++;
      }
    },
    close() {},
  };
  let exitCode;
  try {
    exitCode = await runPlaybook(new RunContext(inv, options, secrets, pool, reporter, dirname(pb.file)), pb);
    close();
  } finally {
    await pool.closeAll();
  }
  const out = tasks.map(({ startedAt: _s, startedMs: _m, ...t }) => t);
  return {
    exitCode,
    tasks: out,
    roundTrips: out.reduce((n, t) => n + t.roundTrips, 0),
    hostRuns: out.reduce((n, t) => n + t.hostRuns, 0),
  };
}
