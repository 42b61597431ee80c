/**
 * Encrypt and decrypt Ansible Vault text (formats 1.1 and 1.2, cipher AES256), byte-compatible with ansible-vault.
 * With several secrets (vault ids), the ones whose label matches the data's 1.2 label are tried first, then the
 * rest; the label is only a hint (it is not authenticated), so any secret that verifies the HMAC is accepted.
 */
import { InfraError } from "../util/errors.js";
import { decryptAes256, encryptAes256 } from "./aes256.js";
import {
  formatEnvelope,
  formatPayload,
  isVaultText,
  parseEnvelope,
  parsePayload,
  type Origin,
} from "./envelope.js";

export const DEFAULT_LABEL = "default";

export interface VaultSecret {
  /** The vault id ("default" for --vault-password-file and --ask-vault-pass). */
  label: string;
  password: Buffer;
  /** Where the password came from, for messages: "file .vault_pass", "script get-pass.sh", "prompt". */
  source?: string;
}

export type SecretLike = string | Buffer | VaultSecret;

export const PASSWORD_HINT = "check --vault-password-file / vault_password_file in ansible.cfg";
export const NO_SECRETS_HINT =
  "Pass --ask-vault-pass, --vault-password-file FILE or --vault-id LABEL@SOURCE (SOURCE: a file, a script or " +
  "'prompt'), or set ANSIBLE_VAULT_PASSWORD_FILE / vault_password_file in ansible.cfg.";

export function toSecret(secret: SecretLike): VaultSecret {
  if (typeof secret === "string") return { label: DEFAULT_LABEL, password: Buffer.from(secret, "utf8") };
  if (Buffer.isBuffer(secret)) return { label: DEFAULT_LABEL, password: secret };
  return secret;
}

export function checkLabel(label: string): void {
  if (/[;\r\n]/.test(label)) {
    throw new InfraError(
      `'${label}' is not a valid vault id: the characters ';' and line breaks are not allowed`,
      {
        exitCode: 5,
      },
    );
  }
}

export interface EncryptOptions {
  /** Vault id written in a 1.2 header; defaults to the secret's own label ("default" gives a 1.1 header). */
  label?: string;
  /** Fixed salt (text is taken as UTF-8) for reproducible output; random 32 bytes otherwise. */
  salt?: string | Buffer;
}

/** Returns the vault text ending with a newline, exactly as `ansible-vault encrypt` writes it. */
export function encrypt(plaintext: string | Buffer, secret: SecretLike, opts: EncryptOptions = {}): string {
  const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  if (isVaultText(data))
    throw new InfraError("Input is already encrypted", { hint: "Decrypt it first, or leave it." });
  const s = toSecret(secret);
  if (s.password.length === 0) throw new InfraError("A vault password must not be empty");
  const label = opts.label ?? s.label;
  checkLabel(label);
  let salt: Buffer | undefined;
  if (opts.salt !== undefined) {
    salt = typeof opts.salt === "string" ? Buffer.from(opts.salt, "utf8") : opts.salt;
    if (salt.length === 0) throw new InfraError("Empty salt passed to vault encrypt");
  }
  return formatEnvelope(formatPayload(encryptAes256(data, s.password, salt)), label);
}

export interface DecryptOptions {
  /** Named in messages: a file, or "variable 'x' in file:line:col". */
  origin?: Origin;
  /** Ansible's vault_id_match: only try secrets whose label equals the data's label. */
  idMatch?: boolean;
}

/** Secrets in the order Ansible would try them, the data's own label first. */
export function candidateSecrets(
  secrets: readonly VaultSecret[],
  label: string | undefined,
  idMatch = false,
) {
  if (!label) return [...secrets];
  const matching = secrets.filter((s) => s.label === label);
  return idMatch ? matching : [...matching, ...secrets.filter((s) => s.label !== label)];
}

export function decryptBytes(
  vaulttext: string | Buffer,
  secrets: SecretLike | readonly VaultSecret[],
  opts: DecryptOptions = {},
): { plaintext: Buffer; label: string } {
  const text = typeof vaulttext === "string" ? vaulttext : vaulttext.toString("latin1");
  const list = Array.isArray(secrets)
    ? (secrets as readonly VaultSecret[])
    : [toSecret(secrets as SecretLike)];
  const where = opts.origin ? ` for ${opts.origin}` : "";
  const envelope = parseEnvelope(text, opts.origin);
  const payload = parsePayload(envelope.body, opts.origin);
  if (list.length === 0) {
    throw new InfraError(`Attempting to decrypt but no vault secrets found${where}`, {
      hint: NO_SECRETS_HINT,
    });
  }
  const candidates = candidateSecrets(list, envelope.label, opts.idMatch);
  for (const secret of candidates) {
    const outcome = decryptAes256(payload, secret.password);
    if (outcome.ok) return { plaintext: outcome.plaintext, label: secret.label };
    if (outcome.reason === "padding") {
      throw new InfraError(`Decryption failed${where}: the HMAC matched but the padding is invalid`, {
        hint: "The data was written by a broken vault implementation; re-encrypt it with ansible-vault.",
      });
    }
  }
  const tried = candidates.map((s) => (s.source ? `${s.label} (${s.source})` : s.label)).join(", ");
  const labelNote = envelope.label ? ` The data is labelled '${envelope.label}'.` : "";
  throw new InfraError(`Decryption failed (no vault secrets would decrypt)${where}; ${PASSWORD_HINT}`, {
    hint:
      `Tried ${candidates.length} vault secret(s)${tried ? `: ${tried}` : ""}.${labelNote} The HMAC did not match: ` +
      "a wrong password, or the data was modified after it was encrypted.",
  });
}

/** Decrypts to UTF-8 text, which is what variables and vars files hold. */
export function decrypt(
  vaulttext: string | Buffer,
  secrets: SecretLike | readonly VaultSecret[],
  opts: DecryptOptions = {},
): string {
  return decryptBytes(vaulttext, secrets, opts).plaintext.toString("utf8");
}
