/**
 * One error type for everything a user can get wrong. It carries where (file:line:column), what was expected and
 * what to do, and the exit code Ansible would use, so the CLI can print one paragraph and never a stack trace.
 */
export interface SourceLocation {
  file: string;
  line?: number; // 1-based
  column?: number; // 1-based
}

export const ExitCode = {
  ok: 0,
  generic: 1,
  hostFailed: 2,
  unreachable: 4,
  parse: 4,
  options: 5,
  interrupted: 99,
} as const;

export class InfraError extends Error {
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly exitCode: number;
  /** The offending source line, shown under the message like Ansible does. */
  readonly excerpt?: string;

  constructor(
    message: string,
    opts: {
      location?: SourceLocation;
      hint?: string;
      exitCode?: number;
      excerpt?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "InfraError";
    this.location = opts.location;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? ExitCode.generic;
    this.excerpt = opts.excerpt;
  }
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return "";
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

/** One paragraph: "file:line:col: message", the source line with a caret, then what to do. */
export function formatError(err: InfraError): string {
  const where = formatLocation(err.location);
  const lines = [where ? `${where}: ${err.message}` : err.message];
  // An empty source line (e.g. the end of a file) shows nothing useful and would split the paragraph.
  if (err.excerpt !== undefined && err.excerpt.trim() !== "") {
    lines.push(`    ${err.excerpt}`);
    if (err.location?.column) lines.push(`    ${" ".repeat(err.location.column - 1)}^`);
  }
  if (err.hint) lines.push(err.hint);
  return lines.join("\n");
}

export function isInfraError(e: unknown): e is InfraError {
  return e instanceof InfraError;
}
