/** The line `id` prints: `uid=1001(backup) gid=1001(backup) groups=1001(backup),27(sudo)`. */
export interface IdLine {
  /** The user's name; the uid as text where the uid has no name. */
  name: string;
  uid: number;
  gid: number;
}

/** Reads `id`'s line; undefined when it is not one. */
export function parseIdLine(line: string): IdLine | undefined {
  const m = /^uid=(\d+)(?:\(([^)]*)\))?\s+gid=(\d+)/.exec(line.trim());
  if (!m) return undefined;
  return { name: m[2] ?? m[1]!, uid: Number(m[1]), gid: Number(m[3]) };
}
