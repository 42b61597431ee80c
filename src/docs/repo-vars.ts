/**
 * A host's variables as a play with roles sees them before it runs — role defaults, the inventory's layers with
 * group_vars/host_vars beside the inventory and the playbook, play vars, role vars, the inventory's magic
 * variables — through the project's Templar, so a default like `rsync://{{ backup_server_user }}@...` reads as
 * the engine would render it. Facts are not gathered: documentation must not need the hosts. Every vault value
 * decrypted on the way is remembered, so the renderer can refuse a document that would print one.
 */
import { groupsMap, hostInventoryVars, type Host, type Inventory } from "../inventory/index.js";
import type { Play } from "../playbook/index.js";
import { Templar } from "../template/templar.js";
import { Undefined } from "../template/values.js";
import { InfraError } from "../util/errors.js";
import type { VaultString } from "../vault/vault-string.js";

export type DecryptVault = (v: VaultString) => string;

/** Decrypts through `decrypt` and keeps every plaintext it handed out. */
export class SecretTracker {
  readonly seen = new Set<string>();
  constructor(private readonly decrypt: DecryptVault) {}
  readonly decryptVault: DecryptVault = (v) => {
    const plain = this.decrypt(v);
    this.seen.add(plain);
    return plain;
  };

  /** Throws when `text` contains a secret that was decrypted while it was made. */
  assertAbsent(text: string, what: string): void {
    for (const s of this.seen)
      if (s.trim().length >= 4 && text.includes(s.trim()))
        throw new InfraError(`${what} would contain a vault secret`, {
          hint: "A variable the templates print is (or is built from) a !vault value; print something else.",
        });
  }
}

export interface HostVarsInput {
  inventory: Inventory;
  host: Host;
  play: Play;
  tracker: SecretTracker;
}

/** The Templar of `host` in `play`, with the play's roles' defaults and vars. */
export function hostTemplar({ inventory, host, play, tracker }: HostVarsInput): Templar {
  const defaults = Object.assign({}, ...play.loadedRoles.map((r) => r.defaults));
  const roleVars = Object.assign({}, ...play.loadedRoles.map((r) => r.vars));
  const vars: Record<string, unknown> = {
    ...defaults,
    ...hostInventoryVars(inventory, host, { playbookDir: play.baseDir }),
    ...play.keywords.vars,
    ...roleVars,
    groups: groupsMap(inventory),
    playbook_dir: play.baseDir,
    ansible_managed: "Ansible managed",
  };
  return new Templar({ vars, decryptVault: tracker.decryptVault, loader: { searchPaths: [play.baseDir] } });
}

/** A variable's rendered value; a clear error naming it when it is not defined. */
export function varValue(t: Templar, name: string, where: string): unknown {
  if (!isDefined(t, name))
    throw new InfraError(`${name} is not defined for ${where}`, {
      hint: "infra docs reads it from group_vars, host_vars, the inventory or the role's defaults; define it there.",
    });
  return t.template(`{{ ${name} }}`);
}

export function varText(t: Templar, name: string, where: string): string {
  return String(varValue(t, name, where));
}

export function isDefined(t: Templar, name: string): boolean {
  return !(t.resolve(name) instanceof Undefined);
}
