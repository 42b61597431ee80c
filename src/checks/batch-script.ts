/**
 * All probe snippets for one host in one script, so a host's facts cost one round trip. Each snippet runs in its
 * own background subshell (an `exit` in one cannot end the others, and slow ones — duplicity, mysqldump — overlap)
 * into its own file; the files are printed in order after marker lines, and the output is split back on them.
 */
const MARK = "@@infra-check@@";

export function batchScript(snippets: string[]): string {
  const run = snippets.map((s, i) => `( ${s}\n) </dev/null >"$infra_t/${i}" 2>&1 &`);
  return [
    `infra_t=$(mktemp -d)`,
    ...run,
    `wait`,
    `for i in $(seq 0 ${snippets.length - 1}); do printf '\\n${MARK} %s\\n' "$i"; cat "$infra_t/$i"; done`,
    `rm -rf "$infra_t"`,
  ].join("\n");
}

export function splitBatchOutput(output: string, count: number): string[] {
  const parts: string[] = Array.from({ length: count }, () => "");
  const re = new RegExp(`^${MARK} (\\d+)$`, "gm");
  const marks = [...output.matchAll(re)];
  marks.forEach((m, k) => {
    // The next marker starts with its own newline, which is not part of this output.
    const end = k + 1 < marks.length ? marks[k + 1]!.index - 1 : output.length;
    parts[Number(m[1])] = output.slice(m.index + m[0].length + 1, end);
  });
  return parts;
}
