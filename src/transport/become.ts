/**
 * sudo, the way Ansible drives it. The command runs as `sudo FLAGS -u USER -- /bin/sh -c 'echo MARKER >&2; ...'`:
 * the marker on stderr tells that sudo let us through, so everything before it is sudo's own talk (prompt, lecture,
 * errors) and everything after it is the command's. With a password, sudo reads it from stdin (-S) after printing
 * our unique prompt; we write the password only once that prompt appears, so it never reaches the command when
 * sudo did not ask, and it never appears in argv or in any output.
 */
import { randomBytes } from "node:crypto";
import { BecomeError } from "./errors.js";
import { shellQuote } from "./shell-words.js";
import type { Become } from "./types.js";

const DEFAULT_FLAGS = "-H -S -n";

export interface BecomeSession {
  /** The whole command line to run instead of `script`. */
  readonly command: string;
  /** Whether stdin must wait until sudo has been answered (only when a password may be asked for). */
  readonly holdsInput: boolean;
  readonly gate: BecomeGate;
}

export function becomeCommand(script: string, become: Become, host: string): BecomeSession {
  if ((become.method ?? "sudo") !== "sudo") {
    throw new BecomeError(
      `become method ${JSON.stringify(become.method)} is not supported`,
      "Use become_method: sudo.",
    );
  }
  const key = randomBytes(12).toString("hex");
  const marker = `INFRA-BECOME-OK-${key}`;
  const prompt = `[sudo via infra, key=${key}] password:`;
  let flags = become.flags ?? DEFAULT_FLAGS;
  let promptArg = "";
  if (become.password !== undefined) {
    // -n would make sudo fail instead of asking; -S makes it read the password from stdin.
    flags = flags
      .split(/\s+/)
      .filter((f) => f !== "-n" && f !== "--non-interactive")
      .join(" ");
    if (!/(^|\s)-[A-Za-z]*S/.test(flags)) flags += " -S";
    promptArg = ` -p ${shellQuote(prompt)}`;
  }
  const inner = `echo ${marker} >&2\n${script}`;
  const command = `sudo ${flags.trim()}${promptArg} -u ${shellQuote(become.user)} -- /bin/sh -c ${shellQuote(inner)}`;
  return {
    command,
    holdsInput: become.password !== undefined,
    gate: new BecomeGate(host, become, marker, prompt),
  };
}

export type GateStep =
  | { kind: "wait" }
  | { kind: "send-password"; data: string }
  | { kind: "opened"; rest: Buffer }
  | { kind: "refused"; error: BecomeError };

/** Reads stderr until the marker shows up, answering sudo's prompt once. */
export class BecomeGate {
  private seen = "";
  private promptsAnswered = 0;
  private searchFrom = 0;
  opened = false;

  constructor(
    private readonly host: string,
    private readonly become: Become,
    private readonly marker: string,
    private readonly prompt: string,
  ) {}

  feed(chunk: Buffer): GateStep {
    this.seen += chunk.toString("latin1");
    const markerAt = this.seen.indexOf(this.marker, this.searchFrom);
    const promptAt = this.seen.indexOf(this.prompt, this.searchFrom);
    if (promptAt !== -1 && (markerAt === -1 || promptAt < markerAt)) {
      this.searchFrom = promptAt + this.prompt.length;
      if (this.become.password === undefined || this.promptsAnswered > 0)
        return { kind: "refused", error: this.wrongPassword() };
      this.promptsAnswered++;
      return { kind: "send-password", data: `${this.become.password}\n` };
    }
    if (markerAt !== -1) {
      this.opened = true;
      let end = markerAt + this.marker.length;
      if (this.seen[end] === "\n") end++;
      return { kind: "opened", rest: Buffer.from(this.seen.slice(end), "latin1") };
    }
    return { kind: "wait" };
  }

  /** sudo ended without running the command: say why, in one sentence, without our prompts and markers. */
  failure(rc: number): BecomeError {
    const said = this.seen
      .split(this.prompt)
      .join("")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && l !== "Sorry, try again.")
      .join("; ");
    const who = `${this.host}: could not become ${this.become.user} with sudo`;
    if (/a password is required|no password was provided|no tty present/.test(said)) {
      return new BecomeError(
        `${who}: sudo asks for a password and none was given`,
        "Set ansible_become_password (or pass --ask-become-pass), or allow NOPASSWD for this user in sudoers.",
      );
    }
    if (/incorrect password/.test(said)) return this.wrongPassword();
    if (rc === 127 || /sudo: (command )?not found/.test(said)) {
      return new BecomeError(
        `${who}: sudo is not installed on the host`,
        "Install sudo, or connect as the user you need.",
      );
    }
    return new BecomeError(`${who}: ${said || `sudo exited with ${rc}`}`);
  }

  private wrongPassword(): BecomeError {
    return new BecomeError(
      `${this.host}: incorrect sudo password for become user ${this.become.user}`,
      "Check ansible_become_password (or the password given to --ask-become-pass).",
    );
  }
}
