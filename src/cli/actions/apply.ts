/**
 * `infra apply PLAYBOOK`: ansible-playbook's options and meanings. Loads ansible.cfg, the inventory, vault secrets
 * and the playbook, then hands them to the engine with a reporter.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadConfig } from "../../config/index.js";
import { loadInventory } from "../../inventory/inventory.js";
import { applyLimit, limitPatterns, selectHosts } from "../../inventory/patterns.js";
import { loadPlaybook } from "../../playbook/playbook.js";
import { formatListing, listTasks } from "../../playbook/list-tasks.js";
import { RunContext } from "../../engine/context.js";
import { defaultRunOptions, type RunOptions } from "../../engine/options.js";
import { runPlaybook } from "../../engine/run-playbook.js";
import { moduleNames, getModule } from "../../modules/registry.js";
import { createReporter, openLogFile } from "../../report/index.js";
import { ConnectionPool } from "../../transport/pool.js";
import { loadVaultSecrets } from "../../vault/secrets.js";
import { promptHidden } from "../../vault/prompt.js";
import { ExitCode, InfraError } from "../../util/errors.js";
import { parseYaml } from "../../util/yaml.js";
import { parseKv } from "../../playbook/split-args.js";
import "../../engine/loops.js";

export interface ApplyFlags {
  inventory?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  check?: boolean;
  diff?: boolean;
  extraVars?: string[];
  forks?: string;
  user?: string;
  privateKey?: string;
  become?: boolean;
  becomeUser?: string;
  askBecomePass?: boolean;
  vaultPasswordFile?: string[];
  vaultId?: string[];
  askVaultPass?: boolean;
  syntaxCheck?: boolean;
  listTasks?: boolean;
  listHosts?: boolean;
  listTags?: boolean;
  startAtTask?: string;
  forceHandlers?: boolean;
  verbose: number;
  json?: boolean;
}

function parseExtraVars(specs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.startsWith("@")) {
      const file = resolve(spec.slice(1));
      if (!existsSync(file))
        throw new InfraError(`extra vars file ${spec.slice(1)} was not found`, {
          exitCode: ExitCode.options,
          hint: "Give an existing YAML or JSON file after @.",
        });
      Object.assign(out, parseYaml(readFileSync(file, "utf8"), file).documents[0] ?? {});
    } else if (/^\s*[{[]/.test(spec)) {
      const v = parseYaml(spec, "--extra-vars").documents[0];
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw new InfraError(`--extra-vars must be a mapping: ${spec}`, { exitCode: ExitCode.options });
      Object.assign(out, v);
    } else {
      Object.assign(out, parseKv(spec));
    }
  }
  return out;
}

export async function apply(playbookPaths: string[], flags: ApplyFlags): Promise<number> {
  const cwd = process.cwd();
  const config = loadConfig(cwd, process.env);
  for (const w of config.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  const inventorySources = flags.inventory?.length ? flags.inventory : config.inventory;
  const inventory = loadInventory(inventorySources, { cwd });
  const isModule = Object.assign((name: string) => getModule(name) !== undefined, { names: moduleNames });
  const playbooks = playbookPaths.map((p) => {
    const path = resolve(cwd, p);
    if (!existsSync(path))
      throw new InfraError(`the playbook: ${p} could not be found`, {
        exitCode: ExitCode.options,
        hint: "Check the path; run from the repository's folder.",
      });
    if (!statSync(path).isFile())
      throw new InfraError(`the playbook: ${p} does not appear to be a file`, {
        exitCode: ExitCode.generic,
        hint: "Give the playbook's YAML file, not a folder.",
      });
    return loadPlaybook(path, { rolesPath: config.roles_path, isModule });
  });
  if (flags.limit) assertLimitMatches(inventory, flags.limit, cwd);
  const tags = { tags: flags.tags, skipTags: flags.skipTags };

  if (flags.syntaxCheck) {
    // ansible-playbook names each playbook as it was given on the command line.
    for (const p of playbookPaths) process.stdout.write(`\nplaybook: ${p}\n`);
    return ExitCode.ok;
  }
  if (flags.listTasks || flags.listTags || flags.listHosts) {
    for (const [i, pb] of playbooks.entries()) {
      const plays = listTasks(pb, tags);
      const hosts = flags.listHosts
        ? (lp: { play: { hosts: string[] } }) => {
            let hs = selectHosts(inventory, lp.play.hosts);
            if (flags.limit) hs = applyLimit(inventory, hs, limitPatterns(flags.limit, cwd));
            return hs.map((h) => h.name);
          }
        : undefined;
      process.stdout.write(
        formatListing(plays, {
          playbookPath: playbookPaths[i]!,
          listTasks: !!flags.listTasks,
          listTags: !!flags.listTags,
          hosts,
        }),
      );
    }
    return ExitCode.ok;
  }

  // -K asks once, before the vault password and any host, with ansible-playbook's prompt.
  const becomePassword =
    flags.askBecomePass || config.become_ask_pass ? await promptHidden("BECOME password: ") : undefined;
  const secrets = await loadVaultSecrets({
    vaultIds: flags.vaultId,
    vaultPasswordFiles: flags.vaultPasswordFile,
    askVaultPass: flags.askVaultPass || config.ask_vault_pass,
    configPasswordFile: config.vault_password_file ?? undefined,
    configIdentityList: config.vault_identity_list,
    cwd,
  });
  secrets.warmKeys();
  const options: RunOptions = {
    ...defaultRunOptions(),
    ...(becomePassword !== undefined ? { becomePassword } : {}),
    check: !!flags.check,
    diff: !!flags.diff || config.diff.always,
    forks: Number(flags.forks ?? config.forks),
    verbosity: flags.verbose,
    tags,
    limit: flags.limit ? limitPatterns(flags.limit, cwd) : undefined,
    extraVars: parseExtraVars(flags.extraVars),
    startAtTask: flags.startAtTask,
    forceHandlers: !!flags.forceHandlers,
    become: flags.become || config.become || undefined,
    becomeUser: flags.becomeUser ?? config.become_user,
    remoteUser: flags.user ?? config.remote_user ?? undefined,
    privateKeyFile: flags.privateKey ?? config.private_key_file ?? undefined,
    gathering: config.gathering,
    hostKeyChecking: config.host_key_checking,
    connectTimeoutSec: config.timeout,
    anyErrorsFatal: config.any_errors_fatal,
  };
  if (!Number.isInteger(options.forks) || options.forks < 1)
    throw new InfraError(`--forks must be a positive whole number, got ${flags.forks}`, {
      exitCode: ExitCode.options,
    });
  const pool = new ConnectionPool({
    hostKeyChecking: options.hostKeyChecking,
    timeout: options.connectTimeoutSec,
    remoteUser: options.remoteUser,
    privateKeyFile: options.privateKeyFile,
    sshArgs: config.ssh_connection.ssh_args,
  });
  const logFile = config.log_path
    ? openLogFile(config.log_path, (msg) => process.stderr.write(`[WARNING]: ${msg}\n`))
    : undefined;
  const reporter = createReporter({
    format: flags.json ? "json" : "progress",
    verbosity: flags.verbose,
    diff: options.diff,
    out: process.stdout,
    isTTY: !!process.stdout.isTTY,
    ...(logFile ? { log: logFile.write } : {}),
  });
  let code: number = ExitCode.ok;
  try {
    for (const pb of playbooks) {
      const run = new RunContext(inventory, options, secrets, pool, reporter, dirname(pb.file));
      code = await runPlaybook(run, pb);
      if (code !== ExitCode.ok) break;
    }
  } finally {
    await pool.closeAll();
    await reporter.close();
    logFile?.close();
  }
  return code;
}

/**
 * A --limit that leaves no host of the inventory is a typo, not a successful run of nothing: Ansible stops with this
 * message (implicit localhost does not count, as in Ansible).
 */
function assertLimitMatches(inventory: ReturnType<typeof loadInventory>, limit: string, cwd: string): void {
  const hosts = applyLimit(inventory, selectHosts(inventory, ["all"]), limitPatterns(limit, cwd));
  if (hosts.length === 0)
    throw new InfraError(
      "Specified inventory, host pattern and/or --limit leaves us with no hosts to target.",
      {
        exitCode: ExitCode.generic,
        hint: `No host of the inventory matches --limit ${limit}; check the names with --list-hosts.`,
      },
    );
}

export const _forTests = { parseExtraVars, moduleNames };
