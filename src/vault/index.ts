/** The vault's public surface for the rest of infra. */
export {
  encrypt,
  decrypt,
  decryptBytes,
  DEFAULT_LABEL,
  type VaultSecret,
  type EncryptOptions,
} from "./vault.js";
export { isVaultText } from "./envelope.js";
export { VaultSecrets, loadVaultSecrets, parseVaultId, type VaultSecretOptions } from "./secrets.js";
export { readMaybeVaultedFile, type MaybeVaultedText } from "./vaulted-file.js";
export { registerSecret, censor, CENSORED } from "./censor.js";
export { VaultString } from "./vault-string.js";
