/**
 * Building remote commands safely: every path and every user value goes through `quote`; glob patterns (command's
 * `creates`/`removes`) keep only their wildcards unquoted. Nothing a user wrote is ever pasted into a command raw.
 */
import { shellQuote } from "../../transport/shell-words.js";

/** One POSIX sh word that reads back as exactly `s`. */
export const quote = shellQuote;

/**
 * A path argument (Ansible's type=path expands `~`): a leading `~` or `~/` becomes "$HOME" on the host; the rest is
 * quoted as usual.
 */
export function pathWord(p: string): string {
  if (p === "~") return '"$HOME"';
  if (p.startsWith("~/")) return `"$HOME"${quote(p.slice(1))}`;
  return quote(p);
}

/**
 * A glob pattern as a shell word that expands like Python's glob.glob: `*`, `?` and simple `[...]` classes stay
 * live, every other character is quoted. A class holding anything but letters, digits, `-`, `_`, `.`, `!` or `^`
 * is taken literally, so no shell syntax can slip through a bracket.
 */
export function globWord(pattern: string): string {
  let out = pattern === "~" || pattern.startsWith("~/") ? '"$HOME"' : "";
  let literal = "";
  const flush = () => {
    if (literal) out += quote(literal);
    literal = "";
  };
  const rest = out ? pattern.slice(1) : pattern;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === "*" || c === "?") {
      flush();
      out += c;
    } else if (c === "[") {
      const end = rest.indexOf("]", i + 2);
      const body = end > 0 ? rest.slice(i + 1, end) : "";
      if (end > 0 && /^[!^]?[A-Za-z0-9_.-]+$/.test(body)) {
        flush();
        out += `[${body.replace(/^\^/, "!")}]`;
        i = end;
      } else literal += c;
    } else literal += c;
  }
  flush();
  return out || "''";
}

/** Python's str.splitlines(): the line breaks Ansible's stdout_lines splits on. */
export function splitlines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** A marker no command prints by chance: tells our own script's outcomes from the user command's output. */
export function nonce(): string {
  return `__infra_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}
