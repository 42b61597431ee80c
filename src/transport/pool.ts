/**
 * One connection per inventory host, opened on first use and reused by every task after it. Concurrent first uses
 * share one connect; a failed connect is not cached (the next use tries again), and a connection that dropped is
 * replaced by a fresh one on the next use.
 */
import { becomePassword, hostSettings, type HostSettings, type TransportConfig } from "./host-settings.js";
import { connectKept } from "./control-client.js";
import { LocalConnection } from "./local.js";
import { connectSsh, type SshOptions } from "./ssh.js";
import type { Connection, ConnectionStats } from "./types.js";

export interface Connectors {
  ssh(opts: SshOptions): Promise<Connection>;
  local(name: string): Connection;
  /** Where the ssh arguments ask for ControlPersist: a connection kept between runs (control-client.ts). */
  sshKept?(opts: SshOptions, persistS: number): Promise<Connection>;
}

const realConnectors: Connectors = {
  ssh: connectSsh,
  local: (name) => new LocalConnection({ name }),
  sshKept: connectKept,
};

export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();
  /** Connections replaced after a drop or a settings change, still to be closed by closeAll. */
  private readonly retired: Promise<Connection>[] = [];

  constructor(
    readonly config: TransportConfig = {},
    private readonly connectors: Connectors = realConnectors,
  ) {}

  /** How to reach `name` given its variables (exposed so callers can show or check it). */
  settings(name: string, vars: Record<string, unknown>): HostSettings {
    return hostSettings(name, vars, this.config);
  }

  /** The become password the host's variables give (ansible_become_password and aliases). */
  becomePassword(name: string, vars: Record<string, unknown>): string | undefined {
    return becomePassword(name, vars);
  }

  /** The connection for inventory host `name` (for delegate_to, the delegated host's name and variables). */
  async get(name: string, vars: Record<string, unknown>): Promise<Connection> {
    const settings = this.settings(name, vars);
    const key = `${name}\0${JSON.stringify(settings)}`;
    const existing = this.open.get(key);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn?.alive) return conn;
      if (this.open.get(key) === existing) this.open.delete(key);
      if (conn) this.retired.push(existing);
      return this.get(name, vars);
    }
    for (const [k, p] of this.open) {
      if (k.startsWith(`${name}\0`)) {
        // The host's connection settings changed (e.g. set_fact ansible_user): keep the old one until closeAll.
        this.open.delete(k);
        this.retired.push(p);
      }
    }
    const opening =
      settings.kind === "local"
        ? Promise.resolve(this.connectors.local(name))
        : settings.persistS && this.connectors.sshKept
          ? this.connectors.sshKept(settings.ssh, settings.persistS)
          : this.connectors.ssh(settings.ssh);
    this.open.set(key, opening);
    opening.catch(() => {
      if (this.open.get(key) === opening) this.open.delete(key);
    });
    return opening;
  }

  /**
   * Ends host `name`'s connections for good (meta: reset_connection), kept ones included: its next use logs in
   * afresh. Their round trips still count in `stats`.
   */
  async reset(name: string): Promise<void> {
    const ending: Promise<Connection>[] = [];
    for (const [k, p] of this.open) {
      if (!k.startsWith(`${name}\0`)) continue;
      this.open.delete(k);
      this.retired.push(p);
      ending.push(p);
    }
    await Promise.all(ending.map((p) => p.then((c) => (c.reset ? c.reset() : c.close())).catch(() => {})));
  }

  /** Round trips and bytes over every connection opened so far. */
  async stats(): Promise<ConnectionStats> {
    const total: ConnectionStats = { roundTrips: 0, bytesSent: 0 };
    for (const p of [...this.open.values(), ...this.retired]) {
      const conn = await p.catch(() => undefined);
      if (conn) {
        total.roundTrips += conn.stats.roundTrips;
        total.bytesSent += conn.stats.bytesSent;
        if (conn.stats.helpers) total.helpers = (total.helpers ?? 0) + conn.stats.helpers;
      }
    }
    return total;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values(), ...this.retired];
    this.open.clear();
    this.retired.length = 0;
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
  }
}
