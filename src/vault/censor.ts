/**
 * Process-wide set of secrets (vault plaintexts, vault passwords, anything marked no_log) that reporters scrub from
 * every line they print. Secrets shorter than 3 characters are ignored: censoring "1" or "no" everywhere would
 * mangle output without protecting anything.
 *
 * Matching is indexed by each secret's first three UTF-16 units, so censoring costs one map lookup per character of
 * output however many secrets there are; at each position the longest registered secret wins.
 */
export const CENSORED = "********";
const MIN_LENGTH = 3;

const secrets = new Set<string>();
/** First-three-units key → secrets starting with them, longest first. */
const byPrefix = new Map<number, string[]>();

function prefixKey(text: string, i: number): number {
  // Three 16-bit units fit exactly in 48 bits, well inside a double's 53-bit integer range.
  return text.charCodeAt(i) * 0x100000000 + text.charCodeAt(i + 1) * 0x10000 + text.charCodeAt(i + 2);
}

function add(text: string): void {
  if (text.length < MIN_LENGTH || secrets.has(text)) return;
  secrets.add(text);
  const key = prefixKey(text, 0);
  const bucket = byPrefix.get(key);
  if (!bucket) byPrefix.set(key, [text]);
  else {
    bucket.push(text);
    bucket.sort((a, b) => b.length - a.length);
  }
}

/**
 * Remembers a secret. Its trimmed form is registered too, because a value read from a file or stdin usually
 * carries a trailing newline that output does not show.
 */
export function registerSecret(text: string): void {
  add(text);
  add(text.trim());
}

/** Replaces every registered secret in the text by ********. */
export function censor(text: string): string {
  if (byPrefix.size === 0 || text.length < MIN_LENGTH) return text;
  let out = "";
  let copiedUpTo = 0;
  const last = text.length - MIN_LENGTH;
  for (let i = 0; i <= last; ) {
    const bucket = byPrefix.get(prefixKey(text, i));
    const hit = bucket?.find((s) => text.startsWith(s, i));
    if (hit === undefined) {
      i++;
      continue;
    }
    out += text.slice(copiedUpTo, i) + CENSORED;
    i += hit.length;
    copiedUpTo = i;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

export function isCensorActive(): boolean {
  return secrets.size > 0;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  byPrefix.clear();
}
