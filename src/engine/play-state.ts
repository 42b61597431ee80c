/**
 * One play's view of the run: its hosts (the current serial batch), `groups`, play vars and vars_files (read per
 * host, since their paths may use host variables), and a memo for values that live as long as the play.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { groupsMap } from "../inventory/magic-vars.js";
import type { Vars } from "../inventory/model.js";
import type { Play } from "../playbook/types.js";
import { ExitCode, InfraError } from "../util/errors.js";
import { parseYaml } from "../util/yaml.js";
import { registerSecretValues } from "../vault/censor.js";
import { readMaybeVaultedFile } from "../vault/vaulted-file.js";
import type { RunContext } from "./context.js";
import type { HostState } from "./host-state.js";
import { hostLevelVars, makeTemplar } from "./variables.js";

export class PlayState {
  readonly groups: Record<string, string[]>;
  private readonly cache = new Map<string, unknown>();
  private readonly varsFiles = new Map<string, Vars>();

  constructor(
    readonly run: RunContext,
    readonly play: Play,
    /** Every host the play targets (all batches). */
    readonly allHosts: HostState[],
    /** The hosts of the current batch (serial), in inventory order. */
    public hosts: HostState[],
  ) {
    this.groups = groupsMap(run.inventory);
  }

  get vars(): Vars {
    return this.play.keywords.vars;
  }

  memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  /** Drop cached hostvars after facts or set_fact changed, so later templates see the new values. */
  invalidate(): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith("hostvars")) this.cache.delete(k);
  }

  activeHostNames(): string[] {
    return this.hosts.filter((h) => h.active).map((h) => h.name);
  }

  allHostNames(): string[] {
    return this.allHosts.map((h) => h.name);
  }

  /** vars_files for a host: each entry templated with the host's variables; a list entry means "first that exists". */
  varsFilesFor(host: HostState): Vars {
    const cached = this.varsFiles.get(host.name);
    if (cached) return cached;
    const out: Vars = {};
    this.varsFiles.set(host.name, out); // guards against vars_files paths that refer to vars_files variables
    if (this.play.vars_files.length === 0) return out;
    const templar = makeTemplar({ run: this.run, play: this, host }, hostLevelVars(this.run, this, host));
    for (const entry of this.play.vars_files) {
      const candidates = (Array.isArray(entry) ? entry : [entry]).map((p) => String(templar.template(p)));
      const found = candidates.map((p) => (isAbsolute(p) ? p : resolve(this.play.baseDir, p)));
      const file = found.find((f) => existsSync(f));
      if (!file) {
        throw new InfraError(`vars file ${candidates.join(" or ")} was not found`, {
          location: this.play.location,
          hint: `Looked in ${this.play.baseDir}. Fix the path under vars_files.`,
          exitCode: ExitCode.generic,
        });
      }
      const { text, vaulted } = readMaybeVaultedFile(file, this.run.secrets);
      const data = parseYaml(text, file).documents[0];
      if (vaulted) registerSecretValues(data);
      if (data !== null && data !== undefined) {
        if (typeof data !== "object" || Array.isArray(data)) {
          throw new InfraError(`vars file ${file} must hold a mapping of variables`, { location: { file } });
        }
        Object.assign(out, data);
      }
    }
    return out;
  }
}
