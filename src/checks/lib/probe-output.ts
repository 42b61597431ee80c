/**
 * Probes print `key|value` lines; binary-unsafe values (file contents, command output) travel base64-encoded.
 * These helpers read them back.
 */
export interface ProbeLine {
  key: string;
  fields: string[];
}

export function probeLines(output: string): ProbeLine[] {
  return output
    .split("\n")
    .filter((l) => l.includes("|"))
    .map((l) => {
      const [key, ...fields] = l.split("|");
      return { key: key!, fields };
    });
}

export function firstField(output: string, key: string): string | undefined {
  return probeLines(output)
    .find((l) => l.key === key)
    ?.fields.join("|");
}

export function decode64(s: string | undefined): string {
  return s ? Buffer.from(s, "base64").toString("utf8") : "";
}

/** A pattern written in a definition: `/re/flags` is a regular expression, anything else a literal. */
export function matcher(pattern: string): (text: string) => boolean {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (m) {
    const re = new RegExp(m[1]!, m[2]!.includes("m") ? m[2] : `${m[2]}m`);
    return (text) => re.test(text);
  }
  return (text) => text.includes(pattern);
}

/** Literals of `contains` in a file mean a whole line (ignoring surrounding blanks); regexes search the text. */
export function lineMatcher(pattern: string): (text: string) => boolean {
  if (/^\/.*\/[a-z]*$/s.test(pattern)) return matcher(pattern);
  return (text) => text.split("\n").some((l) => l.trim() === pattern.trim());
}
