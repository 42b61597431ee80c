/**
 * ssh-keygen on the host, shared by user (generate_ssh_key) and openssh_keypair. A passphrase never appears on a
 * command line: the script reads it from stdin into a private temp dir and ssh-keygen asks for it through
 * SSH_ASKPASS (SSH_ASKPASS_REQUIRE=force; its prompts allow askpass whenever stdin is not a terminal).
 */

/**
 * Script lines that store the passphrase given on stdin and set `$_askpass`, the environment prefix for ssh-keygen
 * commands that need it. The temp dir is removed when the script exits.
 */
export const ASKPASS_SETUP = [
  `_ad=$(umask 077 && mktemp -d) || exit 1`,
  `trap 'rm -rf -- "$_ad"' EXIT`,
  `(umask 077 && cat >"$_ad/p")`,
  `printf '#!/bin/sh\\ncat "%s/p"\\n' "$_ad" >"$_ad/a" && chmod 700 "$_ad/a"`,
].join("\n");

/** Environment words that make ssh-keygen read the passphrase through the askpass helper. */
export const ASKPASS_ENV = `SSH_ASKPASS="$_ad/a" SSH_ASKPASS_REQUIRE=force`;

/** What `ssh-keygen -l -f key` prints: "256 SHA256:… comment (ED25519)". */
export interface KeyFingerprint {
  size: number;
  type: string;
  fingerprint: string;
}

/** community.crypto's PrivateKey.from_string. */
export function parseFingerprintLine(line: string): KeyFingerprint | undefined {
  const p = line.trim().split(/\s+/);
  if (p.length < 2 || !/^\d+$/.test(p[0]!)) return undefined;
  return { size: Number(p[0]), type: p.at(-1)!.slice(1, -1).toLowerCase(), fingerprint: p[1]! };
}

export interface PublicKeyLine {
  typeString: string;
  data: string;
  comment: string | null;
}

/** community.crypto's PublicKey.load: the .pub file's text, stripped of spaces and newlines, split in three. */
export function parsePublicKeyFile(text: string): PublicKeyLine | undefined {
  const p = splitMax(text.replace(/^[ \n]+|[ \n]+$/g, ""), " ", 2);
  if (p.length < 2) return undefined;
  return { typeString: p[0]!, data: p[1]!, comment: p.length <= 2 ? "" : p[2]! };
}

/** community.crypto's PublicKey.from_string (ssh-keygen -y output). */
export function parsePublicKeyString(text: string): PublicKeyLine | undefined {
  const p = splitMax(text.replace(/^\n+|\n+$/g, ""), " ", 2);
  if (p.length < 2) return undefined;
  return { typeString: p[0]!, data: p[1]!, comment: p.length > 2 ? p[2]! : "" };
}

/** PublicKey.__eq__: type and data, and the comment only when both sides have one. */
export function sameKey(a: PublicKeyLine, b: PublicKeyLine): boolean {
  return (
    a.typeString === b.typeString &&
    a.data === b.data &&
    (a.comment === null || b.comment === null || a.comment === b.comment)
  );
}

/** Python's str.split(sep, maxsplit). */
function splitMax(s: string, sep: string, max: number): string[] {
  const parts = s.split(sep);
  return parts.length > max + 1 ? [...parts.slice(0, max), parts.slice(max).join(sep)] : parts;
}
