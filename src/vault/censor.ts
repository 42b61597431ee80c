/**
 * Process-wide set of secrets (vault plaintexts, vault passwords, anything marked no_log) that reporters scrub from
 * every line they print. Secrets shorter than 3 characters are ignored: censoring "1" or "no" everywhere would
 * mangle output without protecting anything.
 *
 * The secrets live in a trie of UTF-16 units: at each position of the output one walk finds the longest secret
 * starting there, so the cost depends on the output's length, not on how many secrets are registered, even when
 * they share long prefixes (password hashes, key headers).
 */
export const CENSORED = "********";
const MIN_LENGTH = 3;

interface TrieNode {
  next: Map<number, TrieNode>;
  /** A whole secret ends here. */
  end: boolean;
}

const newNode = (): TrieNode => ({ next: new Map(), end: false });
let root = newNode();
let count = 0;

function add(text: string): void {
  if (text.length < MIN_LENGTH) return;
  let node = root;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let child = node.next.get(code);
    if (!child) {
      child = newNode();
      node.next.set(code, child);
    }
    node = child;
  }
  if (!node.end) count++;
  node.end = true;
}

/**
 * Remembers a secret. Its trimmed form is registered too, because a value read from a file or stdin usually
 * carries a trailing newline that output does not show.
 */
export function registerSecret(text: string): void {
  add(text);
  add(text.trim());
}

/** Every string inside a value decrypted from a vault file (its variables' values are all secrets). */
export function registerSecretValues(value: unknown): void {
  if (typeof value === "string") registerSecret(value);
  else if (Array.isArray(value)) for (const v of value) registerSecretValues(v);
  else if (value !== null && typeof value === "object")
    for (const v of Object.values(value as Record<string, unknown>)) registerSecretValues(v);
}

/** Replaces every registered secret in the text by ********. */
export function censor(text: string): string {
  if (count === 0 || text.length < MIN_LENGTH) return text;
  let out = "";
  let copiedUpTo = 0;
  for (let i = 0; i < text.length;) {
    // Walk the trie as far as the text follows it, remembering where the longest secret ended.
    let node: TrieNode | undefined = root;
    let matchEnd = -1;
    for (let j = i; j < text.length; j++) {
      node = node.next.get(text.charCodeAt(j));
      if (!node) break;
      if (node.end) matchEnd = j + 1;
    }
    if (matchEnd < 0) {
      i++;
      continue;
    }
    out += text.slice(copiedUpTo, i) + CENSORED;
    i = matchEnd;
    copiedUpTo = i;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

export function isCensorActive(): boolean {
  return count > 0;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  root = newNode();
  count = 0;
}
