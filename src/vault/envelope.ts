/**
 * The text layout of Ansible Vault data, apart from any cryptography:
 *
 *   $ANSIBLE_VAULT;1.1;AES256            or   $ANSIBLE_VAULT;1.2;AES256;label
 *   hex(hex(salt) "\n" hex(hmac) "\n" hex(ciphertext)) in lines of 80 characters
 *
 * The payload is hexlified twice (an accident of history Ansible keeps for compatibility). Parsing checks every
 * layer and says which one is broken, so "truncated file" and "not a vault file" are different messages.
 */
import { InfraError } from "../util/errors.js";

export const VAULT_HEADER = "$ANSIBLE_VAULT";
export const CIPHER_NAME = "AES256";
/** 1.1 has no label; 1.2 adds one. Older formats (1.0, cipher "AES") were retired by Ansible long ago. */
export const SUPPORTED_VERSIONS = ["1.1", "1.2"] as const;

export interface Envelope {
  version: string;
  cipher: string;
  label?: string;
  /** The outer hex text with the line breaks removed. */
  body: string;
}

export interface Payload {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

/** What a vault error message says about where the data came from: "file f", "variable 'x' in f:3:5". */
export type Origin = string | undefined;

function formatError(what: string, origin: Origin, hint?: string): InfraError {
  return new InfraError(`Vault format error${origin ? ` in ${origin}` : ""}: ${what}`, { hint });
}

const truncatedHint =
  "The vault data looks cut short; copy the whole block again (every line after the header).";

/** True when the data starts with the vault header, as Ansible's is_encrypted() decides. */
export function isVaultText(data: string | Buffer): boolean {
  const head =
    typeof data === "string" ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, 14).toString("latin1");
  return head === VAULT_HEADER;
}

export function formatEnvelope(payloadHex: string, label?: string): string {
  // A label turns the format into 1.2, except Ansible's implicit "default" which stays 1.1.
  const header =
    label && label !== "default"
      ? `${VAULT_HEADER};1.2;${CIPHER_NAME};${label}`
      : `${VAULT_HEADER};1.1;${CIPHER_NAME}`;
  const lines = [header];
  for (let i = 0; i < payloadHex.length; i += 80) lines.push(payloadHex.slice(i, i + 80));
  return `${lines.join("\n")}\n`;
}

export function parseEnvelope(text: string, origin?: Origin): Envelope {
  if (!isVaultText(text)) {
    throw new InfraError(
      `Input is not vault encrypted data${origin ? `: ${origin} is not a vault encrypted file` : ""}`,
      {
        hint: `Vault data starts with "${VAULT_HEADER};1.1;AES256" or "${VAULT_HEADER};1.2;AES256;<label>".`,
      },
    );
  }
  const lines = text.split(/\r?\n|\r/);
  const parts = lines[0]!.trim().split(";");
  if (parts[0] !== VAULT_HEADER || parts.length < 3 || parts.length > 4) {
    throw formatError(
      `bad header "${lines[0]!.trim()}"`,
      origin,
      `The first line must be "${VAULT_HEADER};1.1;AES256" or "${VAULT_HEADER};1.2;AES256;<label>".`,
    );
  }
  const version = parts[1]!.trim();
  const cipher = parts[2]!.trim();
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    throw formatError(
      `unsupported vault format version "${version}"`,
      origin,
      `Only versions ${SUPPORTED_VERSIONS.join(" and ")} exist in Ansible today.`,
    );
  }
  if (cipher !== CIPHER_NAME) {
    throw formatError(
      `unknown cipher "${cipher}"`,
      origin,
      `Ansible Vault only knows the ${CIPHER_NAME} cipher.`,
    );
  }
  const label = parts[3]?.trim() || undefined;
  const bodyLines = lines.slice(1).map((l) => l.trim());
  bodyLines.forEach((line, i) => {
    const bad = line.search(/[^0-9a-fA-F]/);
    if (bad >= 0) {
      throw formatError(
        `non-hex character ${JSON.stringify(line[bad])} on line ${i + 2}, column ${bad + 1} of the vault data`,
        origin,
        "Vault data is only hexadecimal digits after the header; was it edited or pasted with extra text?",
      );
    }
  });
  const body = bodyLines.join("");
  if (body.length === 0)
    throw formatError("no encrypted data after the header (truncated)", origin, truncatedHint);
  if (body.length % 2 !== 0) throw formatError("odd number of hex digits (truncated)", origin, truncatedHint);
  return { version, cipher, label, body };
}

function hexField(name: string, hex: string | undefined, origin: Origin): Buffer {
  if (hex === undefined || hex.length === 0)
    throw formatError(`the ${name} is missing (truncated)`, origin, truncatedHint);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw formatError(`the ${name} is not hexadecimal`, origin);
  if (hex.length % 2 !== 0)
    throw formatError(`the ${name} has an odd number of hex digits (truncated)`, origin, truncatedHint);
  return Buffer.from(hex, "hex");
}

/** Splits the inner "salt\nhmac\nciphertext" and checks lengths that AES-256 with PKCS7 padding guarantees. */
export function parsePayload(body: string, origin?: Origin): Payload {
  const inner = Buffer.from(body, "hex").toString("latin1");
  const first = inner.indexOf("\n");
  const second = first < 0 ? -1 : inner.indexOf("\n", first + 1);
  const saltHex = first < 0 ? inner : inner.slice(0, first);
  const hmacHex = first < 0 ? undefined : inner.slice(first + 1, second < 0 ? undefined : second);
  const ctHex = second < 0 ? undefined : inner.slice(second + 1);
  const salt = hexField("salt", saltHex, origin);
  const hmac = hexField("HMAC", hmacHex, origin);
  if (hmac.length !== 32)
    throw formatError(`the HMAC is ${hmac.length} bytes, not 32`, origin, truncatedHint);
  const ciphertext = hexField("ciphertext", ctHex, origin);
  if (ciphertext.length % 16 !== 0) {
    throw formatError(
      `the ciphertext is ${ciphertext.length} bytes, not a multiple of the 16-byte AES block (truncated)`,
      origin,
      truncatedHint,
    );
  }
  return { salt, hmac, ciphertext };
}

export function formatPayload(p: Payload): string {
  const inner = [p.salt.toString("hex"), p.hmac.toString("hex"), p.ciphertext.toString("hex")].join("\n");
  return Buffer.from(inner, "latin1").toString("hex");
}
