/**
 * ansible.builtin.known_hosts's pure parts: hashing a host (|1|salt|hmac), the normalized form of a key line, the
 * decision from `ssh-keygen -F` output (found, replace_or_add, found_line) and the file text after the change.
 */
import { createHmac, randomBytes } from "node:crypto";

/** hash_host_key: the key line with its host field replaced by a hashed name. */
export function hashHostKey(host: string, key: string, salt: Buffer = randomBytes(20)): string {
  const hashed = createHmac("sha1", salt).update(host).digest();
  const parts = key.trim().split(/\s+/);
  const i = parts[0]!.startsWith("@") ? 1 : 0;
  parts[i] = `|1|${salt.toString("base64")}|${hashed.toString("base64")}`;
  return parts.join(" ");
}

export interface NormalKey {
  options?: string;
  host: string;
  type: string;
  key: string;
}

/** normalize_known_hosts_key: marker, host, type and key; anything after (a comment) is dropped. */
export function normalizeKey(line: string): NormalKey {
  const k = line.trim().split(/\s+/);
  if (k[0]!.startsWith("@")) return { options: k[0]!, host: k[1]!, type: k[2]!, key: k[3]! };
  return { host: k[0]!, type: k[1]!, key: k[2]! };
}

const same = (a: NormalKey, b: NormalKey) =>
  a.options === b.options && a.host === b.host && a.type === b.type && a.key === b.key;

export interface Search {
  found: boolean;
  replaceOrAdd: boolean;
  foundLine: number | null;
}

/** search_for_host_key's reading of `ssh-keygen -F host -f path` (the file exists, ssh-keygen gave rc 0 or 1). */
export function searchOutput(stdout: string, key: string | null): Search {
  if (!key) return { found: true, replaceOrAdd: false, foundLine: null };
  const wanted = normalizeKey(key);
  let foundLine: number | null = null;
  for (const l of stdout.split("\n")) {
    if (l === "") continue;
    if (l.startsWith("#")) {
      const m = /found: line (\d+)/.exec(l);
      if (m) foundLine = Number(m[1]);
      continue;
    }
    const got = normalizeKey(l);
    // A hashed entry keeps its own hash: only the key is compared then.
    if (wanted.host.startsWith("|1|") && got.host.startsWith("|1|")) wanted.host = got.host;
    if (same(wanted, got)) return { found: true, replaceOrAdd: false, foundLine };
    if (wanted.type === got.type) return { found: true, replaceOrAdd: true, foundLine };
  }
  return { found: true, replaceOrAdd: true, foundLine: null };
}

/** Python's str.splitlines(keepends=True) for a file's text. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * compute_diff's "after", which is also what enforce_state writes: the found line dropped when it is replaced or
 * removed, the key appended when present and not already there.
 */
export function afterText(
  before: string,
  s: Search,
  state: "present" | "absent",
  key: string | null,
): string {
  const ls = lines(before);
  if (
    (s.replaceOrAdd || state === "absent") &&
    s.foundLine !== null &&
    s.foundLine >= 1 &&
    s.foundLine <= ls.length
  )
    ls.splice(s.foundLine - 1, 1);
  if (state === "present" && (s.replaceOrAdd || s.foundLine === null)) ls.push(key ?? "");
  return ls.join("");
}
