#!/usr/bin/env node
/* global performance */
/**
 * What a run would cost if its SSH connections and operation helpers outlived it, as OpenSSH's ControlPersist
 * keeps Ansible's: runs a playbook several times in ONE process over ONE ConnectionPool, so the first run pays
 * every login, sudo and Python start and the later ones reuse them (and this process's warm code). Not a mode of
 * `infra apply`, which opens its connections anew every run: a measurement of what keeping them would save.
 *
 *   node bench/kept-connections.js -i INVENTORY [-f FORKS] [--runs 3] [--lab bench] PLAYBOOK
 *
 * With --lab (a lab of this checkout), each run also reports the lab hosts' CPU time (host-cpu.js).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(ROOT, "dist/cli/run.js"))) {
  console.error("kept-connections: dist/ is missing; run `npm run build` first");
  process.exit(2);
}
const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    inventory: { type: "string", short: "i" },
    forks: { type: "string", short: "f", default: "5" },
    runs: { type: "string", default: "3" },
    lab: { type: "string" },
  },
});
if (!opt.inventory || positionals.length !== 1) {
  console.error(
    "usage: node bench/kept-connections.js -i INVENTORY [-f FORKS] [--runs 3] [--lab NAME] PLAYBOOK",
  );
  process.exit(2);
}
const dist = (p) => import(join(ROOT, "dist", p));
const { loadConfig } = await dist("config/index.js");
const { loadInventory } = await dist("inventory/inventory.js");
const { loadPlaybook } = await dist("playbook/playbook.js");
const { RunContext } = await dist("engine/context.js");
const { defaultRunOptions } = await dist("engine/options.js");
const { runPlaybook } = await dist("engine/run-playbook.js");
const { getModule, moduleNames } = await dist("modules/registry.js");
const { ConnectionPool } = await dist("transport/pool.js");
const { loadVaultSecrets } = await dist("vault/secrets.js");
await dist("engine/loops.js");
const { hostCpuMeter } = await import("./lib/host-cpu.js");

const cwd = process.cwd();
const meter = opt.lab ? await hostCpuMeter(opt.lab, ROOT) : () => undefined;
const config = loadConfig(cwd, process.env);
const isModule = Object.assign((n) => getModule(n) !== undefined, { names: moduleNames });
const secrets = await loadVaultSecrets({ configPasswordFile: config.vault_password_file ?? undefined, cwd });
const options = {
  ...defaultRunOptions(),
  forks: Number(opt.forks),
  gathering: config.gathering,
  hostKeyChecking: config.host_key_checking,
};
const pool = new ConnectionPool({ hostKeyChecking: options.hostKeyChecking });
// The engine closes its connector at the end of a run; this one keeps the pool's connections for the next run.
const kept = { get: (name, vars) => pool.get(name, vars), closeAll: async () => {} };
for (let i = 1; i <= Number(opt.runs); i++) {
  const hostsBefore = meter();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const inventory = loadInventory([opt.inventory], { cwd });
  const playbook = loadPlaybook(resolve(cwd, positionals[0]), { rolesPath: config.roles_path, isModule });
  let changed = 0;
  const reporter = {
    emit(e) {
      if (e.type === "recap") for (const c of Object.values(e.hosts)) changed += c.changed;
    },
    close() {},
  };
  const run = new RunContext(inventory, options, secrets, kept, reporter, dirname(playbook.file));
  const code = await runPlaybook(run, playbook);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const hostsAfter = meter();
  const hosts =
    hostsBefore !== undefined && hostsAfter !== undefined
      ? `, hosts CPU ${(hostsAfter - hostsBefore).toFixed(2)} s`
      : "";
  console.log(
    `run ${i}${i === 1 ? " (opens the connections)" : " (reuses them)"}: ${seconds.toFixed(2)} s, rc ${code}, changed ${changed}, controller CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s${hosts}`,
  );
}
await pool.closeAll();
