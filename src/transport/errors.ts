/**
 * Errors a connection raises. The engine tells them apart by class: an UnreachableError marks the host UNREACHABLE
 * (Ansible's exit 4) and removes it from the play; the others fail just the task at hand.
 */
import { ExitCode, InfraError } from "../util/errors.js";

/** The host could not be reached or the connection was lost: refused, timed out, auth failed, dropped. */
export class UnreachableError extends InfraError {
  constructor(
    readonly host: string,
    readonly reason: string,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(`${host}: UNREACHABLE: ${reason}`, {
      hint: opts.hint,
      cause: opts.cause,
      exitCode: ExitCode.unreachable,
    });
    this.name = "UnreachableError";
  }
}

/** The server's host key is unknown, changed or revoked: the connection is refused before any authentication. */
export class HostKeyError extends UnreachableError {
  constructor(host: string, reason: string, hint: string) {
    super(host, reason, { hint });
    this.name = "HostKeyError";
  }
}

/** sudo refused: wrong password, a password needed but not given, user unknown, not allowed. */
export class BecomeError extends InfraError {
  constructor(message: string, hint?: string) {
    super(message, { hint });
    this.name = "BecomeError";
  }
}

/** A command ran longer than its timeoutMs and was killed. */
export class CommandTimeoutError extends InfraError {
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    super(`${host}: the command timed out after ${timeoutMs / 1000} s and was killed`);
    this.name = "CommandTimeoutError";
  }
}
