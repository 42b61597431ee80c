/**
 * How the loader reports a user's mistake: an InfraError at file:line:column with the offending line and, for
 * misspelt keywords, the nearest valid names.
 */
import { readFileSync } from "node:fs";
import { distance } from "fastest-levenshtein";
import { ExitCode, InfraError, type SourceLocation } from "../util/errors.js";

const sourceLines = new Map<string, string[]>();

function excerptOf(loc: SourceLocation | undefined): string | undefined {
  if (!loc?.line) return undefined;
  let lines = sourceLines.get(loc.file);
  if (!lines) {
    try {
      lines = readFileSync(loc.file, "utf8").split("\n");
    } catch {
      return undefined;
    }
    sourceLines.set(loc.file, lines);
  }
  return lines[loc.line - 1];
}

/** A parse error (exit code 4, like ansible-playbook) at `location`. */
export function parseError(message: string, location: SourceLocation | undefined, hint?: string): InfraError {
  return new InfraError(message, { location, hint, exitCode: ExitCode.parse, excerpt: excerptOf(location) });
}

/** A file or role the playbook names that does not exist: Ansible's AnsibleError, exit code 1 rather than 4. */
export function missingError(
  message: string,
  location: SourceLocation | undefined,
  hint?: string,
): InfraError {
  return new InfraError(message, {
    location,
    hint,
    exitCode: ExitCode.generic,
    excerpt: excerptOf(location),
  });
}

/** Up to three valid names closest to a misspelt one. */
export function nearestNames(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return [...candidates]
    .map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

/** "Did you mean …?" for a misspelt keyword, or a pointer to the list of valid ones. */
export function suggestionHint(word: string, candidates: Iterable<string>, what: string): string {
  const near = nearestNames(word, candidates);
  if (near.length > 0) return `Did you mean ${near.map((n) => `'${n}'`).join(" or ")}?`;
  return `Valid keywords for a ${what}: ${[...candidates].sort().join(", ")}.`;
}
