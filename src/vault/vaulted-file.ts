/**
 * Files that may be entirely vault-encrypted (group_vars, host_vars, vars_files, include_vars): Ansible opens any
 * file starting with `$ANSIBLE_VAULT` transparently, so every loader of such files reads them through here.
 */
import { readFileSync } from "node:fs";
import { InfraError } from "../util/errors.js";
import { registerSecret } from "./censor.js";
import { isVaultText } from "./envelope.js";
import { decryptBytes } from "./vault.js";
import type { VaultSecrets } from "./secrets.js";

export interface MaybeVaultedText {
  text: string;
  /** True when the file was encrypted: callers must not quote its lines in error messages. */
  vaulted: boolean;
}

export function readMaybeVaultedFile(file: string, secrets: VaultSecrets | undefined): MaybeVaultedText {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw new InfraError(`Could not read ${file}: ${(e as Error).message}`);
  }
  if (!isVaultText(data)) return { text: data.toString("utf8"), vaulted: false };
  const plaintext = secrets
    ? secrets.decryptBytes(data, file)
    : decryptBytes(data, [], { origin: file }).plaintext; // raises "no vault secrets found" naming the file
  const text = plaintext.toString("utf8");
  registerSecret(text);
  return { text, vaulted: true };
}
