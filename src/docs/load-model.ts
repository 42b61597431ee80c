/**
 * Builds the documents' model from the repository the way `infra apply` reads it: ansible.cfg, the inventory, the
 * playbook and its roles, group_vars/host_vars and vault values. The plays tell which hosts hold which service
 * (the hosts of every play that runs the service's backup role), each role's variables and cron templates tell
 * the rest, for the first of those hosts.
 */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadConfig } from "../config/index.js";
import { loadInventory, selectHosts, type Inventory } from "../inventory/index.js";
import { loadPlaybook, type Play } from "../playbook/index.js";
import { getModule, moduleNames } from "../modules/registry.js";
import { loadVaultSecrets, type VaultString } from "../vault/index.js";
import type { Templar } from "../template/templar.js";
import { ExitCode, InfraError } from "../util/errors.js";
import { parseBackupUrl } from "../checks/lib/backup-url.js";
import { roleCronJobs, roleTasks, type BackupJob } from "./cron-jobs.js";
import { hostTemplar, isDefined, SecretTracker, varText } from "./repo-vars.js";
import { describeCron } from "./schedule-words.js";
import { durationWords, minutesBefore, worstDataLoss } from "./objectives.js";
import { readSla } from "./sla-source.js";
import { SERVICES, type ServiceDef } from "./services.js";
import type { DocModel, JobDoc, ServiceDoc } from "./model.js";

export interface DocOptions {
  /** The repository (default: the current directory). */
  cwd?: string;
  /** Default: infra.yaml, else playbooks/infra.yaml. */
  playbook?: string;
  inventory?: string[];
  /** The reader's zone (default: variable backup_local_zone, else Europe/Tallinn, the course's). */
  zone?: string;
  vaultPasswordFiles?: string[];
  /** backup_sla.md to quote (default: the repository's). */
  sla?: string;
}

export const DEFAULT_ZONE = "Europe/Tallinn";

function defaultPlaybook(cwd: string): string {
  for (const p of ["infra.yaml", "infra.yml", "playbooks/infra.yaml"]) if (existsSync(join(cwd, p))) return p;
  throw new InfraError("no playbook found: neither infra.yaml nor playbooks/infra.yaml exists here", {
    hint: "Run infra docs in the repository, or name the playbook with --playbook FILE.",
    exitCode: ExitCode.options,
  });
}

/** Decrypts lazily: a repository whose documented variables hold no vault value needs no password. */
function lazyDecrypt(load: () => Promise<(v: VaultString) => string>): {
  ready: Promise<void>;
  decrypt: (v: VaultString) => string;
} {
  let fn: ((v: VaultString) => string) | undefined;
  let failure: unknown;
  const ready = load().then(
    (f) => void (fn = f),
    (e) => void (failure = e),
  );
  return {
    ready,
    decrypt: (v) => {
      if (fn) return fn(v);
      throw failure ?? new InfraError("vault secrets are not loaded");
    },
  };
}

function servicePlays(plays: Play[], role: string): Play[] {
  return plays.filter((p) => p.loadedRoles.some((r) => r.name === role));
}

function retentionWords(jobs: BackupJob[]): string[] {
  return jobs
    .filter((j) => j.kind === "retention")
    .map((j) => {
      const n = /remove-all-but-n-full\s+(\d+)/.exec(j.command);
      if (n)
        return `the newest ${n[1]} full chain${n[1] === "1" ? "" : "s"} are kept, older chains are removed`;
      const age = /remove-older-than\s+(\S+)/.exec(j.command);
      if (age) return `backups older than ${age[1]} are removed`;
      return j.command;
    });
}

function jobDocs(jobs: BackupJob[], zone: string, deadline: string | undefined): JobDoc[] {
  return jobs.map((j) => {
    const left = deadline ? minutesBefore(j.schedule, deadline) : undefined;
    return {
      ...j,
      words: describeCron(j.schedule, zone),
      margin: left === undefined ? undefined : `${durationWords(left)} before the ${deadline} UTC deadline`,
    };
  });
}

/** Does any play on these hosts manage a service named `name` (service/systemd tasks, packages)? */
function manages(plays: Play[], hosts: Set<string>, inventory: Inventory, name: string): boolean {
  return plays
    .filter((p) => selectHosts(inventory, p.hosts).some((h) => hosts.has(h.name)))
    .flatMap((p) => p.loadedRoles.flatMap(roleTasks))
    .some(
      (t) =>
        ["service", "systemd", "apt", "package"].includes(t.action) && JSON.stringify(t.args).includes(name),
    );
}

function serviceDoc(
  def: ServiceDef,
  plays: Play[],
  inventory: Inventory,
  tracker: SecretTracker,
  zone: string,
): ServiceDoc | undefined {
  const mine = servicePlays(plays, def.role);
  if (!mine.length) return undefined;
  const play = mine[0]!;
  const hosts = [...new Set(mine.flatMap((p) => selectHosts(inventory, p.hosts).map((h) => h.name)))];
  if (!hosts.length)
    throw new InfraError(`no inventory host is in "${play.hosts.join(",")}", where ${def.role} runs`, {
      location: play.location,
      hint: "Check the inventory (ansible.cfg's inventory or -i) against the play's hosts.",
    });
  const where = `${def.role} on ${hosts[0]}`;
  const t = hostTemplar({ inventory, host: inventory.getHost(hosts[0]!)!, play, tracker });
  const v = (name: string) => varText(t, name, where);
  const role = play.loadedRoles.find((r) => r.name === def.role)!;
  const deadline = isDefined(t, "backup_deadline_utc") ? v("backup_deadline_utc") : undefined;
  const raw = roleCronJobs(role, t);
  const upload = raw.find((j) => j.kind === "full" || j.kind === "incremental");
  const user = upload?.user ?? (isDefined(t, "backup_user") ? v("backup_user") : "backup");
  const home = isDefined(t, "backup_home") ? v("backup_home") : `/home/${user}`;
  const encrypted = upload
    ? !/--no-encryption\b/.test(upload.command)
    : !/--no-encryption/.test(v("backup_duplicity_options"));
  const uploads = raw.filter((j) => j.kind === "full" || j.kind === "incremental").map((j) => j.schedule);
  const loss = worstDataLoss(
    raw.filter((j) => j.kind === "dump").map((j) => j.schedule),
    uploads,
  );
  return {
    id: def.id,
    title: def.title,
    parts: def.parts,
    records: def.records,
    hosts,
    hostPattern: play.hosts.join(","),
    play: play.name,
    database: v(`${def.prefix}database`),
    dumpDir: v(`${def.prefix}dir`),
    restoreDir: `${home}/restore/${def.id}`,
    target: v(`${def.prefix}target`),
    user,
    restoreOptions: encrypted ? "" : "--no-encryption",
    encrypted,
    gpgRecipient: upload && /--encrypt-key\s+(\S+)/.exec(upload.command)?.[1],
    jobs: jobDocs(raw, zone, deadline),
    cronFiles: [...new Set(raw.map((j) => j.file))],
    rpo: loss === undefined ? undefined : durationWords(loss),
    retention: retentionWords(raw),
    writerManaged: def.id === "influxdb" && manages(plays, new Set(hosts), inventory, "telegraf"),
  };
}

/** The time every backup must be finished by (variable backup_deadline_utc, "01:00" in the course). */
function deadlineOf(t: Templar | undefined): string | undefined {
  return t && isDefined(t, "backup_deadline_utc")
    ? varText(t, "backup_deadline_utc", "the deadline")
    : undefined;
}

export async function loadDocModel(
  opts: DocOptions = {},
): Promise<{ model: DocModel; tracker: SecretTracker }> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const config = loadConfig(cwd, process.env);
  const inventorySources = opts.inventory?.length ? opts.inventory : config.inventory;
  const inventory = loadInventory(inventorySources, { cwd });
  const playbook = opts.playbook ?? defaultPlaybook(cwd);
  const isModule = Object.assign((name: string) => getModule(name) !== undefined, { names: moduleNames });
  const pb = loadPlaybook(resolve(cwd, playbook), { rolesPath: config.roles_path, isModule });
  const vault = lazyDecrypt(async () => {
    const secrets = await loadVaultSecrets({
      vaultPasswordFiles: opts.vaultPasswordFiles,
      configPasswordFile: config.vault_password_file ?? undefined,
      configIdentityList: config.vault_identity_list,
      cwd,
      warn: () => {},
    });
    return (v) => secrets.decryptString(v);
  });
  await vault.ready;
  const tracker = new SecretTracker(vault.decrypt);
  const firstHost = [...inventory.hosts.values()].find((h) => !h.implicit);
  const zoneFromVars = () => {
    if (!firstHost || !pb.plays[0]) return undefined;
    const t = hostTemplar({ inventory, host: firstHost, play: pb.plays[0], tracker });
    return isDefined(t, "backup_local_zone") ? varText(t, "backup_local_zone", firstHost.name) : undefined;
  };
  const zone = opts.zone ?? zoneFromVars() ?? DEFAULT_ZONE;
  const services = SERVICES.map((s) => serviceDoc(s, pb.plays, inventory, tracker, zone)).filter(
    (s): s is ServiceDoc => !!s,
  );
  if (!services.length)
    throw new InfraError(`${playbook} runs none of the backup roles infra docs knows`, {
      hint: `Known roles: ${SERVICES.map((s) => s.role).join(", ")}.`,
    });
  const url = parseBackupUrl(services[0]!.target);
  const serverHost = url?.host ?? "";
  const serverPlays = servicePlays(pb.plays, "backup_server");
  const anyPlay = pb.plays.find((p) => selectHosts(inventory, p.hosts).length) ?? pb.plays[0]!;
  const t0 = firstHost ? hostTemplar({ inventory, host: firstHost, play: anyPlay, tracker }) : undefined;
  const holds = (name: string) => [
    ...services.filter((s) => s.hosts.includes(name)).map((s) => `${s.title} (${s.database})`),
    ...(serverPlays.some((p) => selectHosts(inventory, p.hosts).some((h) => h.name === name)) ||
    name === serverHost
      ? ["the backups"]
      : []),
  ];
  const inventoryPath = inventory.sources[0] ?? "";
  const timed = services.flatMap((s) =>
    s.jobs.map((j) => ({ s, j, left: j.margin ? minutesBefore(j.schedule, deadlineOf(t0)!) : undefined })),
  );
  const last = timed.filter((x) => x.left !== undefined).sort((a, b) => a.left! - b.left!)[0];
  const model: DocModel = {
    playbook,
    inventory: inventoryPath.startsWith(cwd) ? relative(cwd, inventoryPath) : inventoryPath,
    inventoryFromConfig: !opts.inventory?.length,
    zone,
    deadline: deadlineOf(t0),
    lastJob: last && { service: last.s.title, kind: last.j.kind, margin: last.j.margin! },
    backupServer: {
      host: serverHost,
      user: url?.user ?? "",
      hosts: serverPlays.flatMap((p) => selectHosts(inventory, p.hosts).map((h) => h.name)),
    },
    services,
    sla: readSla(resolve(cwd, opts.sla ?? "backup_sla.md")),
    rtoTarget:
      t0 && isDefined(t0, "backup_rto") ? varText(t0, "backup_rto", "backup_rto") : "2 hours per service",
    retention: [...new Set(services.flatMap((s) => s.retention))],
    hosts: [...inventory.hosts.values()]
      .filter((h) => !h.implicit)
      .map((h) => ({
        name: h.name,
        groups: h.groupNames().filter((g) => g !== "ungrouped"),
        holds: holds(h.name),
      }))
      .filter((h) => h.holds.length),
  };
  return { model, tracker };
}
