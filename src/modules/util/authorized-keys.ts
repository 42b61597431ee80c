/**
 * ansible.posix.authorized_key's text handling, pure: parsing key lines (options, type, key, comment), Ansible's
 * ordered multi-valued options, and enforce_state's merge of the wanted keys into the file's keys, rank by rank, so
 * the written file is the one Ansible would write, byte for byte (duplicates collapsed, "type key comment" lines).
 */

/** Ansible's keydict: options in order, a name may repeat; equality ignores the order (dict of value lists). */
export type Options = [string, string | null][];

export interface ParsedKey {
  /** The key data, or the whole line for a skipped (comment/invalid) line. */
  key: string;
  /** The key type, or "skipped". */
  type: string;
  options: Options | null;
  comment: string | null;
  rank: number;
}

const VALID_TYPES = new Set([
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  "ecdsa-sha2-nistp521",
  "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  "sk-ssh-ed25519@openssh.com",
  "sk-ssh-ed25519-cert-v01@openssh.com",
  "ssh-ed25519",
  "ssh-ed25519-cert-v01@openssh.com",
  "ssh-dss",
  "ssh-rsa",
  "ssh-xmss@openssh.com",
  "ssh-xmss-cert-v01@openssh.com",
  "rsa-sha2-256",
  "rsa-sha2-512",
  "ssh-rsa-cert-v01@openssh.com",
  "rsa-sha2-256-cert-v01@openssh.com",
  "rsa-sha2-512-cert-v01@openssh.com",
  "ssh-dss-cert-v01@openssh.com",
]);

/** parseoptions: split on commas outside quotes; `k=v` or a bare flag. */
export function parseOptions(text: string | null | undefined): Options {
  const out: Options = [];
  if (!text) return out;
  const parts = text.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1);
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq >= 0) out.push([part.slice(0, eq), part.slice(eq + 1)]);
    else if (part !== ",") out.push([part, null]);
  }
  return out;
}

/** keydict equality: the same names with the same value lists, whatever the order of names. */
export function sameOptions(a: Options | null, b: Options | null): boolean {
  const group = (o: Options | null) => {
    const m = new Map<string, (string | null)[]>();
    for (const [k, v] of o ?? []) m.set(k, [...(m.get(k) ?? []), v]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  if (ga.size !== gb.size) return false;
  for (const [k, v] of ga) {
    const w = gb.get(k);
    if (!w || w.length !== v.length || v.some((x, i) => x !== w[i])) return false;
  }
  return true;
}

/** Python's shlex with whitespace_split, no quotes, no commenters: words split on space, tab, CR, LF. */
const words = (s: string) => s.split(/[ \t\r\n]+/).filter((w) => w !== "");

/** parsekey: undefined for a line that holds no key of a known type. */
export function parseKey(raw: string, rank: number): ParsedKey | undefined {
  const line = raw.replace(/\\#/g, "#");
  const parts = words(line);
  if (parts[0] === "#") return { key: line, type: "skipped", options: null, comment: null, rank };
  const i = parts.findIndex((p) => VALID_TYPES.has(p));
  if (i < 0) return undefined;
  const options = parseOptions(i > 0 ? parts.slice(0, i).join(" ") : null);
  const key = parts[i + 1];
  // An IndexError in Ansible (type without key) is reported as an invalid key by the caller.
  if (key === undefined) return undefined;
  return { key, type: parts[i]!, options, comment: parts.slice(i + 2).join(" "), rank };
}

/** Python's str.splitlines(keepends=True). */
function linesWithEnds(s: string): string[] {
  const out: string[] = [];
  const re = /[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < s.length && (m = re.exec(s)) && m[0] !== "") out.push(m[0]);
  return out;
}

/** parsekeys: the file's keys by key data (a later duplicate replaces an earlier one, in the earlier's place). */
export function parseKeys(content: string): Map<string, ParsedKey> {
  const keys = new Map<string, ParsedKey>();
  linesWithEnds(content).forEach((line, rank) => {
    const k = parseKey(line, rank);
    if (k) keys.set(k.key, k);
    else keys.set(line, { key: line, type: "skipped", options: null, comment: null, rank });
  });
  return keys;
}

/** serialize: lines in rank order (a stable sort, ties in insertion order); skipped lines as they were. */
export function serialize(keys: Map<string, ParsedKey>): string {
  return [...keys.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((k) => {
      if (k.type === "skipped") return k.key;
      const opts = k.options?.length
        ? `${k.options.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join(",")} `
        : "";
      return `${opts}${k.type} ${k.key} ${k.comment}\n`;
    })
    .join("");
}

export interface EnforceArgs {
  key: string;
  state: "present" | "absent";
  exclusive: boolean;
  key_options?: string | null;
  comment?: string | null;
}

export class InvalidKeyError extends Error {}

/** enforce_state's merge: the new file content, or undefined when nothing has to be written. */
export function enforce(existingContent: string, a: EnforceArgs): string | undefined {
  const wanted = a.key
    .split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)
    .filter((s) => s && !s.startsWith("#"));
  const existing = parseKeys(existingContent);
  const keep: string[] = [];
  const maxRank = existing.size;
  let write = false;
  wanted.forEach((line, rankIndex) => {
    let k = parseKey(line, rankIndex);
    if (!k) throw new InvalidKeyError(`invalid key specified: ${line}`);
    if (a.key_options != null) k = { ...k, options: parseOptions(a.key_options) };
    if (a.comment != null) k = { ...k, comment: a.comment };
    let matched = false;
    let nonMatching: ParsedKey | undefined;
    const old = existing.get(k.key);
    if (old) {
      const same = old.type === k.type && sameOptions(old.options, k.options) && old.comment === k.comment;
      if (!same && a.state === "present") nonMatching = old;
      else matched = true;
    }
    if (a.state === "present") {
      keep.push(k.key);
      if (nonMatching && existing.has(nonMatching.key)) {
        existing.delete(nonMatching.key);
        write = true;
      }
      if (!matched) {
        existing.set(k.key, { ...k, rank: maxRank + k.rank });
        write = true;
      }
    } else if (matched) {
      existing.delete(k.key);
      write = true;
    }
  });
  if (a.state === "present" && a.exclusive) {
    for (const key of [...existing.keys()]) {
      if (!keep.includes(key)) {
        existing.delete(key);
        write = true;
      }
    }
  }
  return write ? serialize(existing) : undefined;
}
