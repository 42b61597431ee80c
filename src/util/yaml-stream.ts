/**
 * What PyYAML refuses before it parses anything, and the `yaml` package lets through: bytes that are not UTF-8 and
 * characters YAML does not allow in a stream (control characters). Ansible stops on both; so do we, with the
 * file:line:column of the first offending character.
 */
import { ExitCode, InfraError } from "./errors.js";

// YAML 1.1's printable set, as PyYAML's Reader.NON_PRINTABLE checks it (tab, newlines and the usual ranges).
const NON_PRINTABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function positionOf(text: string, index: number): { line: number; column: number; excerpt: string } {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  const start = before.lastIndexOf("\n") + 1;
  const end = text.indexOf("\n", index);
  return { line, column: index - start + 1, excerpt: text.slice(start, end === -1 ? undefined : end) };
}

/** Throws on the first character YAML does not allow (PyYAML: "unacceptable character"). */
export function assertPrintable(text: string, file: string): void {
  const m = NON_PRINTABLE.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!m) return;
  const index = m.index + (text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const code = m[0].codePointAt(0)!.toString(16).padStart(4, "0");
  const pos = positionOf(text, index);
  throw new InfraError(
    `YAML syntax error: unacceptable character #x${code}: special characters are not allowed`,
    {
      location: { file, line: pos.line, column: pos.column },
      excerpt: pos.excerpt.replace(NON_PRINTABLE, "?"),
      hint: "Remove the control character (or write it as an escape such as \\x01 inside double quotes).",
      exitCode: ExitCode.parse,
    },
  );
}

/** The file's bytes as text; bytes that are not UTF-8 are an error naming where they are, not silent U+FFFD. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString("utf8");
    const pos = positionOf(text, Math.max(0, text.indexOf("\uFFFD")));
    throw new InfraError("the file is not valid UTF-8 text", {
      location: { file, line: pos.line, column: pos.column },
      excerpt: pos.excerpt,
      hint: "Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).",
      exitCode: ExitCode.parse,
    });
  }
}
