import type { SourceLocation } from "../util/errors.js";

/**
 * A `!vault |` value as read from YAML: the ciphertext and where it came from. It stays encrypted until a template
 * or module needs its text, so a wrong password names this variable's file and line, and nothing prints it by
 * accident (toString/toJSON never reveal the plaintext).
 */
export class VaultString {
  constructor(
    readonly ciphertext: string,
    readonly location?: SourceLocation,
  ) {
    if (parsed.length < PARSED_MAX) parsed.push(this);
    for (const watch of watchers) watch(this);
  }

  toString(): string {
    return "<vaulted>";
  }

  toJSON(): string {
    return "<vaulted>";
  }
}

/** The first vault values this process parsed, and who wants to hear of the next ones (secrets.ts warms their
 * keys). Only ciphertexts, never a plaintext. */
const parsed: VaultString[] = [];
const PARSED_MAX = 32;
const watchers: ((v: VaultString) => void)[] = [];

/** Calls `watch` for every vault value parsed so far and for each one parsed from now on. */
export function watchVaultStrings(watch: (v: VaultString) => void): void {
  watchers.push(watch);
  for (const v of parsed) watch(v);
}
