/**
 * The operation helpers of one connection, one per become identity (none, root, backup, ...). A helper is started
 * the first time an identity is used (for a play with become that is fact gathering, so the helper starts while the
 * facts are read) and serves the operations after it; until it is ready, while it is busy,
 * or where it cannot run (no python3, sudo refused, too few sessions), operations take their own channel as before,
 * so the helper only ever makes things faster, never different.
 */
import { createHash } from "node:crypto";
import { OpShell, opShellCommand } from "./op-shell.js";
import type { Become, ExecStream } from "./types.js";

type StartHelper = (command: string, become: Become | undefined) => Promise<ExecStream>;

interface Entry {
  shell?: OpShell;
  /** Could not start, or died too often: use channels for this identity from now on. */
  givenUp?: boolean;
  launches: number;
}

/** How often a helper that died is replaced before its identity goes back to channels for good. */
const MAX_LAUNCHES = 3;

export class OpShells {
  private readonly entries = new Map<string, Entry>();
  private disabled: boolean;

  constructor(
    private readonly host: string,
    private readonly start: StartHelper,
    private readonly opts: { maxHelpers: number },
  ) {
    // INFRA_OP_HELPER=0 turns helpers off (to compare, or on a host where they misbehave).
    this.disabled = opts.maxHelpers < 1 || process.env.INFRA_OP_HELPER === "0";
  }

  /** How many helpers hold a session channel now (started or starting, not ended). */
  get running(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.shell && !e.shell.ended) n++;
    return n;
  }

  /** An idle, ready helper for this identity, or undefined (then one is started for the operations after this). */
  free(become: Become | undefined): OpShell | undefined {
    if (this.disabled) return undefined;
    const key = identity(become);
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.opts.maxHelpers) return undefined;
      entry = { launches: 0 };
      this.entries.set(key, entry);
      this.launch(key, become, entry);
    }
    const shell = entry.shell;
    if (entry.givenUp || !shell) return undefined;
    if (shell.usable) return shell.busy ? undefined : shell;
    // Not ready yet, or ended: an ended one is replaced, a few times at most.
    if (shell.ended && entry.launches < MAX_LAUNCHES) this.launch(key, become, entry);
    else if (shell.ended) entry.givenUp = true;
    return undefined;
  }

  /** Closes every helper and uses channels only from now on (the server needs the sessions they hold). */
  closeAll(): void {
    this.disabled = true;
    for (const e of this.entries.values()) e.shell?.close();
  }

  private launch(key: string, become: Become | undefined, entry: Entry): void {
    entry.launches++;
    entry.shell = undefined;
    this.entries.set(key, entry);
    this.start(opShellCommand(), become).then(
      (stream) => {
        const shell = new OpShell(this.host, stream);
        if (this.disabled) return shell.close();
        entry.shell = shell;
        void shell.ready.then((ok) => {
          if (!ok) entry.givenUp = true;
        });
      },
      () => {
        entry.givenUp = true;
      },
    );
  }
}

/** The become settings that make a different helper; the password is hashed so it is not kept as a map key. */
function identity(become: Become | undefined): string {
  if (!become) return "";
  return createHash("sha256")
    .update(JSON.stringify([become.user, become.method ?? "sudo", become.flags ?? "", become.password ?? ""]))
    .digest("hex");
}
