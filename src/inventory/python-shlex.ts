/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible uses to cut an INI host line into the host
 * pattern and its `key=value` tokens. Ported as a small state machine because its quirks are visible to users:
 * `#` ends the line even in the middle of a word, backslash escapes only `"` and `\` inside double quotes, and an
 * empty quoted string is still a token.
 */
const WHITESPACE = " \t\r\n";

export class ShlexError extends Error {}

export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let state: " " | "a" | "'" | '"' | "\\" = " ";
  let escapedState: "a" | '"' = "a";
  let token = "";
  let quoted = false;
  const emit = (): void => {
    if (token !== "" || quoted) tokens.push(token);
    token = "";
    quoted = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (state === " " || state === "a") {
      if (WHITESPACE.includes(c)) {
        emit();
        state = " ";
      } else if (c === "#") {
        // The rest of the line is a comment, whatever came before it on this word.
        emit();
        return tokens;
      } else if (c === "\\") {
        escapedState = "a";
        state = "\\";
      } else if (c === "'" || c === '"') {
        state = c;
      } else {
        token += c;
        state = "a";
      }
    } else if (state === "'" || state === '"') {
      quoted = true;
      if (c === state) state = "a";
      else if (state === '"' && c === "\\") {
        escapedState = state;
        state = "\\";
      } else token += c;
    } else {
      // After a backslash: inside double quotes only the quote itself and the backslash can be escaped.
      const inQuotes = (escapedState as string) === '"';
      if (inQuotes && c !== "\\" && c !== '"') token += "\\";
      token += c;
      state = escapedState;
    }
  }
  if (state === "'" || state === '"') throw new ShlexError("No closing quotation");
  if (state === "\\") throw new ShlexError("No escaped character");
  emit();
  return tokens;
}
