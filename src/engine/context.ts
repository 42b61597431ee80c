/**
 * The run's shared state, created once by `runPlaybook` and handed down: inventory, options, secrets, connections,
 * the reporter, and one HostState per inventory host (kept across plays, as Ansible keeps facts and set_facts).
 */
import type { Inventory } from "../inventory/model.js";
import type { VaultSecrets } from "../vault/secrets.js";
import type { EngineEvent, Reporter } from "./events.js";
import { HostState } from "./host-state.js";
import { hostInventoryVars } from "../inventory/vars-files.js";
import type { RunOptions } from "./options.js";
import type { Connector } from "./connect.js";

export class RunContext {
  private readonly states = new Map<string, HostState>();

  constructor(
    readonly inventory: Inventory,
    readonly options: RunOptions,
    readonly secrets: VaultSecrets,
    readonly connector: Connector,
    readonly reporter: Reporter,
    readonly playbookDir: string,
  ) {}

  emit(event: EngineEvent): void {
    this.reporter.emit(event);
  }

  warn(message: string): void {
    this.emit({ type: "warning", message });
  }

  /** The state of an inventory host (created on first use, with its inventory variables). */
  hostState(name: string): HostState {
    let s = this.states.get(name);
    if (!s) {
      const host = this.inventory.getHost(name);
      if (!host) throw new Error(`host ${name} is not in the inventory`);
      const opts = { playbookDir: this.playbookDir, secrets: this.secrets };
      s = new HostState(host, hostInventoryVars(this.inventory, host, opts));
      this.states.set(name, s);
    }
    return s;
  }

  get allStates(): HostState[] {
    return [...this.states.values()];
  }
}
