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
  ) {}

  toString(): string {
    return "<vaulted>";
  }

  toJSON(): string {
    return "<vaulted>";
  }
}
