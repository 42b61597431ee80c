/**
 * Variables for one host and one task, merged in Ansible's precedence order (lowest first):
 * role defaults < inventory (group_vars … host_vars, already ordered by src/inventory) < facts < play vars <
 * vars_files < role vars < block/task vars < include_vars < set_fact/register < role params < extra vars.
 * Values stay raw here (templates and `!vault` included); the Templar renders them lazily when read.
 */
import { groupsMap } from "../inventory/magic-vars.js";
import type { Vars } from "../inventory/model.js";
import type { Role, Task } from "../playbook/types.js";
import { OMIT, Templar } from "../template/templar.js";
import { LazyDict } from "../template/values.js";
import type { VaultString } from "../vault/vault-string.js";
import type { RunContext } from "./context.js";
import type { HostState } from "./host-state.js";
import type { PlayState } from "./play-state.js";

export interface VarScope {
  run: RunContext;
  play: PlayState;
  host: HostState;
  task?: Task;
  /** Loop variables and other per-call additions (highest precedence after extra vars). */
  extra?: Vars;
}

function roleDefaults(roles: Role[], current?: Role): Vars {
  const out: Vars = {};
  for (const r of roles) if (r !== current) Object.assign(out, r.defaults);
  if (current) Object.assign(out, current.defaults);
  return out;
}

/** A role's vars as Ansible's Role.get_vars: the role entry's `vars:` keyword, then its vars/main.yml. */
function roleOwnVars(r: Role): Vars {
  return { ...(r.ref.keywords.vars ?? {}), ...r.vars };
}

function roleVars(roles: Role[], current?: Role): Vars {
  const out: Vars = {};
  for (const r of roles) if (r !== current) Object.assign(out, roleOwnVars(r));
  if (current) Object.assign(out, roleOwnVars(current));
  return out;
}

function roleParams(task?: Task): Vars {
  const occ = task?.role;
  if (!occ) return {};
  const out: Vars = {};
  for (const r of [...occ.depChain, occ.role]) Object.assign(out, r.ref.params);
  return out;
}

/**
 * What `hostvars[host]` shows, as Ansible's HostVars: the variable manager asked without a play, so inventory vars,
 * facts, include_vars, set_fact/register results and extra vars, but no play vars, vars_files or role vars.
 */
export function hostvarsOf(run: RunContext, host: HostState): Vars {
  return {
    ...host.inventoryVars,
    ...host.factVars(),
    ...host.includeVars,
    ...host.setFacts,
    ...run.options.extraVars,
  };
}

/** Variables of a host as the play sees them (no task), e.g. to template vars_files paths. */
export function hostLevelVars(run: RunContext, play: PlayState, host: HostState): Vars {
  return {
    ...roleDefaults(play.play.loadedRoles),
    ...host.inventoryVars,
    ...host.factVars(),
    ...play.vars,
    ...play.varsFilesFor(host),
    ...roleVars(play.play.loadedRoles),
    ...host.includeVars,
    ...host.setFacts,
    ...run.options.extraVars,
  };
}

export function taskVars(scope: VarScope): Vars {
  const { run, play, host, task } = scope;
  const role = task?.role?.role;
  const vars: Vars = {
    ...roleDefaults(play.play.loadedRoles, role),
    ...host.inventoryVars,
    ...host.factVars(),
    ...play.vars,
    ...play.varsFilesFor(host),
    ...roleVars(play.play.loadedRoles, role),
    ...(task?.effective.vars ?? {}),
    ...host.includeVars,
    ...host.setFacts,
    ...roleParams(task),
    ...(scope.extra ?? {}),
    ...run.options.extraVars,
    ...magicVars(scope),
  };
  return vars;
}

function magicVars(scope: VarScope): Vars {
  const { run, play, host, task } = scope;
  const role = task?.role?.role;
  const o = run.options;
  return {
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split(".")[0],
    group_names: host.host.groupNames(),
    groups: play.groups,
    play_hosts: play.activeHostNames(),
    ansible_play_hosts: play.activeHostNames(),
    ansible_play_batch: play.activeHostNames(),
    ansible_play_hosts_all: play.allHostNames(),
    ansible_play_name: play.play.name,
    playbook_dir: play.play.baseDir,
    ansible_check_mode: o.check,
    ansible_diff_mode: o.diff,
    ansible_verbosity: o.verbosity,
    ansible_forks: o.forks,
    ansible_run_tags: o.tags.tags?.length ? o.tags.tags : ["all"],
    ansible_skip_tags: o.tags.skipTags ?? [],
    ansible_version: { full: "2.14.18", major: 2, minor: 14, revision: 18, string: "2.14.18" },
    omit: OMIT,
    ...(role ? { role_name: role.name, role_path: role.path, ansible_role_name: role.name } : {}),
    ...(run.inventory.sources?.[0]
      ? {
          inventory_file: run.inventory.sources[0],
          inventory_dir: run.inventory.sources[0].replace(/\/[^/]*$/, ""),
        }
      : {}),
  };
}

/** The Templar for a host/task: lazy variables, `hostvars` and `vars` on demand, vault values decrypted on read. */
export function makeTemplar(scope: VarScope, vars: Vars = taskVars(scope)): Templar {
  const { run, play } = scope;
  const role = scope.task?.role?.role;
  const searchPaths = [...(role ? [role.path] : []), play.play.baseDir];
  return new Templar({
    vars,
    lookupVar: (name) => {
      if (name === "hostvars") return hostvarsDict(run, play);
      if (name === "vars") return vars;
      return undefined;
    },
    decryptVault: (v: VaultString) => run.secrets.decryptString(v),
    loader: { searchPaths },
  });
}

/** `hostvars`: every inventory host's variables, each templated in that host's own context when read. */
export function hostvarsDict(run: RunContext, play: PlayState): LazyDict {
  return play.memo("hostvars", () => {
    const names = () => [...run.inventory.hosts.keys()];
    const perHost = (name: string) =>
      play.memo(`hostvars:${name}`, () => {
        const hs = run.hostState(name);
        const vars = {
          ...hostvarsOf(run, hs),
          inventory_hostname: name,
          inventory_hostname_short: name.split(".")[0],
          group_names: hs.host.groupNames(),
          groups: play.groups,
        };
        const t = makeTemplar({ run, play, host: hs }, vars);
        return new LazyDict(
          () => Object.keys(vars),
          (key) => t.resolve(key),
          (key) => key in vars,
        );
      });
    return new LazyDict(names, perHost, (k) => run.inventory.getHost(k) !== undefined);
  });
}

export { groupsMap };
