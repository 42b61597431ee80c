/**
 * What the engine knows about one host during a run: its facts, the variables tasks set (set_fact, register), the
 * handlers it notified, whether it failed or became unreachable, and the counts for PLAY RECAP.
 */
import type { Host, Vars } from "../inventory/model.js";
import type { RecapCounts } from "./events.js";

export class HostState {
  facts: Record<string, unknown> = {};
  /** set_fact and register results: high precedence, kept across plays like Ansible's non-persistent cache. */
  readonly setFacts: Vars = {};
  /** include_vars results. */
  readonly includeVars: Vars = {};
  /** Handler names this host notified and that have not run yet. */
  readonly notified = new Set<string>();
  failed = false;
  unreachable = false;
  /** meta: end_host, or end_play for the whole batch. */
  ended = false;
  readonly counts: RecapCounts = {
    ok: 0,
    changed: 0,
    unreachable: 0,
    failed: 0,
    skipped: 0,
    rescued: 0,
    ignored: 0,
  };

  constructor(
    readonly host: Host,
    /** Inventory variables with Ansible's precedence among inventory layers, computed once per run. */
    readonly inventoryVars: Vars,
  ) {}

  get name(): string {
    return this.host.name;
  }

  /** Still taking part in the play. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }

  /**
   * Facts as variables: `ansible_facts` and every fact again as `ansible_<name>` (inject_facts_as_vars). Built
   * once per facts object (facts are replaced, never changed in place), not for each of a host's tasks.
   */
  factVars(): Readonly<Vars> {
    if (this.factVarsOf?.facts === this.facts) return this.factVarsOf.vars;
    const out: Vars = { ansible_facts: this.facts };
    for (const [k, v] of Object.entries(this.facts)) out[k.startsWith("ansible_") ? k : `ansible_${k}`] = v;
    this.factVarsOf = { facts: this.facts, vars: out };
    return out;
  }

  private factVarsOf?: { facts: Record<string, unknown>; vars: Vars };
}
