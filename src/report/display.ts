/**
 * Ansible's `Display` for the reporters: banners padded with stars to the terminal width, warnings and deprecations
 * wrapped and shown once each, verbose lines gated by -v, colour per line. Every string goes through the vault
 * censor before it is written, so a registered secret can never reach the terminal or a log.
 */
import { censor } from "../vault/censor.js";
import type { LogSink } from "./log-file.js";
import { type ColorName, COLOR, stringc } from "./colors.js";
import { textWidth } from "./text-width.js";
import { wrap } from "./textwrap.js";

/** The part of a writable stream the reporters use (process.stdout, a file stream, a test buffer). */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface DisplayOptions {
  out: OutputStream;
  /** Where Ansible sends warnings and deprecations (stderr). */
  err: OutputStream;
  color: boolean;
  verbosity: number;
  /** Terminal width; Ansible uses one column less than the terminal, and at least 79. */
  columns?: number;
  /** Ansible's log_path: each displayed message, uncoloured and censored, goes here too. */
  log?: LogSink;
}

export interface Deprecation {
  msg: string;
  version?: string;
  date?: string;
  collection_name?: string;
}

export class Display {
  readonly color: boolean;
  readonly verbosity: number;
  readonly columns: number;
  private readonly warned = new Set<string>();
  private readonly deprecated = new Set<string>();

  constructor(private readonly options: DisplayOptions) {
    this.color = options.color;
    this.verbosity = options.verbosity;
    this.columns = Math.max(79, (options.columns ?? 0) - 1);
  }

  /** Writes one message and a newline (a message that already ends in one gets no second). */
  display(msg: string, color?: ColorName, stderr = false): void {
    let text = censor(msg);
    if (text.endsWith("\n")) text = text.slice(0, -1);
    this.options.log?.(text);
    if (color) text = stringc(text, color, this.color);
    (stderr ? this.options.err : this.options.out).write(text + "\n");
  }

  /** `\nTITLE ****…`: the title, a space, and stars to the column limit (at least 3). */
  banner(msg: string, color?: ColorName): void {
    const title = censor(msg).trim();
    const stars = Math.max(3, this.columns - textWidth(title));
    this.display(`\n${title} ${"*".repeat(stars)}`, color);
  }

  warning(msg: string): void {
    const text = wrap(`[WARNING]: ${msg}`, this.columns).join("\n") + "\n";
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.display(text, COLOR.warn, true);
  }

  deprecation(dep: Deprecation): void {
    const text = wrap(deprecationMessage(dep), this.columns, { dropWhitespace: false }).join("\n") + "\n";
    if (this.deprecated.has(text)) return;
    this.deprecated.add(text);
    this.display(text.trim(), COLOR.deprecate, true);
  }

  /** A -v… line: shown when the run's verbosity reaches `level` (1 for -v), prefixed `<host>` when it has one. */
  verbose(msg: string, level: number, host?: string): void {
    if (this.verbosity < level) return;
    this.display(host === undefined ? msg : `<${host}> ${msg}`, COLOR.verbose);
  }
}

/** Ansible's `get_deprecation_message` for a deprecation that is not yet a removal. */
export function deprecationMessage(dep: Deprecation): string {
  let msg = dep.msg.trim();
  if (msg && !["!", "?", "."].includes(msg[msg.length - 1]!)) msg += ".";
  const collection = dep.collection_name === "ansible.builtin" ? "ansible-core" : dep.collection_name;
  const when = dep.date
    ? `in a release after ${dep.date}.`
    : dep.version
      ? `in version ${dep.version}.`
      : "in a future release.";
  return [
    `[DEPRECATION WARNING]: ${msg}`,
    "This feature will be removed",
    collection ? `from ${collection}` : "",
    when,
    "Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.",
  ]
    .filter((part) => part !== "")
    .join(" ");
}
