/**
 * The operation helpers of one connection, one per become identity (none, root, backup, ...). A helper is started
 * the first time an identity is used, and that first operation waits for it (a second at most): one sudo and one
 * sshd session per host and identity instead of two. While it is busy, if it is slow to start, or where it cannot
 * run (no python3, sudo refused, too few sessions), operations take their own channel as before, so the helper
 * only ever makes things faster, never different.
 */
import { createHash } from "node:crypto";
import { OpShell, opShellCommand } from "./op-shell.js";
import type { Become, ExecStream } from "./types.js";

type StartHelper = (command: string, become: Become | undefined) => Promise<ExecStream>;

interface Entry {
  /** The become user ("" for the login user). */
  user: string;
  shell?: OpShell;
  /** Could not start, or died too often: use channels for this identity from now on. */
  givenUp?: boolean;
  launches: number;
  /** Settles when the helper being started greeted us or could not start. */
  starting?: Promise<unknown>;
}

/** How often a helper that died is replaced before its identity goes back to channels for good. */
const MAX_LAUNCHES = 3;

/** How long an operation waits for its identity's helper to start before it takes a channel of its own. */
const START_WAIT_MS = 1_000;

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

  /** How many helpers hold a session channel now (started or starting, not ended, not closing). */
  get running(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.shell && !e.shell.ended && !e.shell.closing) n++;
    return n;
  }

  /**
   * An idle, ready helper for this identity, reserved for the caller's next `run`; or undefined (then one is
   * started for the operations after this).
   */
  free(become: Become | undefined): OpShell | undefined {
    if (this.disabled) return undefined;
    const key = identity(become);
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.opts.maxHelpers) return undefined;
      entry = { user: become?.user ?? "", launches: 0 };
      this.entries.set(key, entry);
      this.launch(key, become, entry);
    }
    const shell = entry.shell;
    if (entry.givenUp || !shell) return undefined;
    if (shell.usable) return shell.busy ? undefined : shell.reserve();
    // Not ready yet, or ended: an ended one is replaced, a few times at most.
    if (shell.ended && entry.launches < MAX_LAUNCHES) this.launch(key, become, entry);
    else if (shell.ended) entry.givenUp = true;
    return undefined;
  }

  /**
   * Starts this identity's helper now if it has none, so that its first operation finds it ready (the engine
   * warms the identities a play will use at its first task; engine/warm-helpers.ts). Starting one that turns out
   * unusable changes nothing: operations then take channels, as they would have.
   */
  warm(become: Become | undefined): void {
    if (this.disabled) return;
    const key = identity(become);
    if (this.entries.has(key) || this.entries.size >= this.opts.maxHelpers) return;
    const entry: Entry = { user: become?.user ?? "", launches: 0 };
    this.entries.set(key, entry);
    this.launch(key, become, entry);
  }

  /**
   * Like `free`, but while this identity's helper is starting, waits for it (a while at most): an operation that
   * goes through the helper saves the host an sshd session and a sudo, more than the wait costs (a few ms).
   */
  async acquire(become: Become | undefined): Promise<OpShell | undefined> {
    const shell = this.free(become);
    if (shell || this.disabled) return shell;
    const entry = this.entries.get(identity(become));
    if (!entry?.starting || entry.givenUp || entry.shell?.usable) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
    await Promise.race([entry.starting, timeout]);
    clearTimeout(timer);
    return this.free(become);
  }

  /**
   * Retires the helpers started under sudo (or another become method): each one holds its identity's account as
   * it was when it started (HOME, groups), so after a user or group change the next operation of that identity
   * starts a fresh one, as every Ansible task starts its own sudo. The login user's helper stays, as Ansible's
   * persistent SSH connection does. With `keepRoot` root's helpers stay too: a control master retires the others
   * between runs (another run may have changed their accounts), while root's account does not change that way.
   */
  restartBecome(opts: { keepRoot?: boolean } = {}): void {
    for (const [key, e] of this.entries) {
      if (key === identity(undefined) || (opts.keepRoot && e.user === "root")) continue;
      e.shell?.closeWhenIdle();
      this.entries.delete(key);
    }
  }

  /**
   * Closes every helper and uses channels only from now on (the server needs the sessions they hold). With
   * `drain`, an operation a helper is running finishes first.
   */
  closeAll(opts: { drain?: boolean } = {}): void {
    this.disabled = true;
    for (const e of this.entries.values()) {
      if (opts.drain) e.shell?.closeWhenIdle();
      else e.shell?.close();
    }
  }

  private launch(key: string, become: Become | undefined, entry: Entry): void {
    entry.launches++;
    entry.shell = undefined;
    this.entries.set(key, entry);
    entry.starting = this.start(opShellCommand(), become).then(
      async (stream) => {
        const shell = new OpShell(this.host, stream);
        if (this.disabled) return shell.close();
        entry.shell = shell;
        if (!(await shell.ready)) entry.givenUp = true;
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
