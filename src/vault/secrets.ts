/**
 * The vault secrets of one run: loaded once from the command line, the environment and ansible.cfg (in Ansible's
 * order), then handed to whatever meets a `!vault` value or a vaulted file. Decrypted values are cached and
 * registered with the censor so no reporter prints them.
 */
import { ExitCode, InfraError, formatLocation, type SourceLocation } from "../util/errors.js";
import { locationOf } from "../util/yaml.js";
import { registerSecret } from "./censor.js";
import { secretFromFile, secretFromPrompt, type SourceContext } from "./password-sources.js";
import { promptHidden, type PromptFn } from "./prompt.js";
import { warmKeys } from "./aes256.js";
import { parseEnvelope, parsePayload } from "./envelope.js";
import { NO_SECRETS_HINT, candidateSecrets, checkLabel, decryptBytes, type VaultSecret } from "./vault.js";
import { watchVaultStrings, type VaultString } from "./vault-string.js";

export interface VaultSecretOptions {
  /** `--vault-id` values in command-line order: `label@source`, or just `source`. */
  vaultIds?: readonly string[];
  /** `--vault-password-file` values. */
  vaultPasswordFiles?: readonly string[];
  askVaultPass?: boolean;
  /** ansible.cfg `[defaults] vault_password_file` (already resolved against the config file's directory). */
  configPasswordFile?: string;
  /** ansible.cfg `[defaults] vault_identity_list`. */
  configIdentityList?: readonly string[];
  /** ansible.cfg `[defaults] vault_id_match`. */
  configIdMatch?: boolean;
  /** Reads ANSIBLE_VAULT_PASSWORD_FILE, ANSIBLE_VAULT_IDENTITY_LIST, ANSIBLE_ASK_VAULT_PASS, ANSIBLE_VAULT_ID_MATCH. */
  env?: NodeJS.ProcessEnv;
  /** Encrypting: prompts ask for a new password twice. */
  forEncrypt?: boolean;
  /** Prompt when no source was given at all (ansible-vault does; ansible-playbook does not). */
  autoPrompt?: boolean;
  cwd?: string;
  prompt?: PromptFn;
  /** Ansible warns about an unusable password source and carries on if another one works. */
  warn?: (message: string) => void;
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on|y|t)$/i.test(v.trim());

/** `label@source` → {label, source}; a bare source has no label (it becomes "default"). */
export function parseVaultId(spec: string): { label?: string; source: string } {
  const at = spec.indexOf("@");
  if (at < 0) return { source: spec };
  const label = spec.slice(0, at);
  checkLabel(label);
  return { label: label || undefined, source: spec.slice(at + 1) };
}

export class VaultSecrets {
  private readonly plaintexts = new Map<string, string>();
  readonly idMatch: boolean;

  constructor(
    readonly secrets: readonly VaultSecret[] = [],
    opts: { idMatch?: boolean } = {},
  ) {
    this.idMatch = opts.idMatch ?? false;
    for (const s of secrets) registerSecret(s.password.toString("utf8"));
  }

  get size(): number {
    return this.secrets.length;
  }

  /**
   * Starts deriving the keys of the vault values parsed so far and of those parsed later (aes256.ts warmKeys),
   * with the secret decryption will try first: while the hosts connect, not on the first task's path. A value
   * that does not parse is left to decryption, which says why.
   */
  warmKeys(): void {
    if (!this.secrets.length) return;
    const seen = new Set<string>();
    watchVaultStrings((v) => {
      if (seen.has(v.ciphertext)) return; // the YAML loader makes each value twice; aes256 bounds the rest
      seen.add(v.ciphertext);
      try {
        const envelope = parseEnvelope(v.ciphertext);
        const first = candidateSecrets(this.secrets, envelope.label, this.idMatch)[0];
        if (first) warmKeys(first.password, parsePayload(envelope.body).salt);
      } catch {
        // decryptString reports it, with the variable's name and place
      }
    });
  }

  /** Decrypts vault text (a file's content, or a value) named `origin` in messages. */
  decryptBytes(vaulttext: string | Buffer, origin?: string): Buffer {
    return decryptBytes(vaulttext, this.secrets, { origin, idMatch: this.idMatch }).plaintext;
  }

  /**
   * The text of a `!vault` value. Failures name the variable and the file:line:column of the value, because with
   * dozens of vaulted variables "decryption failed" alone leaves the user guessing. The location is the value's
   * own, else `location` (e.g. `keyLocationOf(vars, name)` from the YAML loader).
   */
  decryptString(v: VaultString, varName?: string, location?: SourceLocation): string {
    const cached = this.plaintexts.get(v.ciphertext);
    if (cached !== undefined) return cached;
    const loc = v.location ?? locationOf(v) ?? location;
    const where = loc ? formatLocation(loc) : undefined;
    const origin = varName
      ? `variable '${varName}'${where ? ` in ${where}` : ""}`
      : where
        ? `the !vault value in ${where}`
        : undefined;
    const text = this.decryptBytes(v.ciphertext, origin).toString("utf8");
    registerSecret(text);
    this.plaintexts.set(v.ciphertext, text);
    return text;
  }

  /** The secret to encrypt with: the one labelled `label`, or the only one there is. */
  encryptionSecret(label?: string): VaultSecret {
    if (label) {
      const found = this.secrets.find((s) => s.label === label);
      if (!found) {
        throw new InfraError(
          `Did not find a match for --encrypt-vault-id=${label} in the known vault-ids [${this.secrets.map((s) => `'${s.label}'`).join(", ")}]`,
          { exitCode: ExitCode.options },
        );
      }
      return found;
    }
    if (this.secrets.length > 1) {
      throw new InfraError(
        `The vault-ids ${this.secrets.map((s) => s.label).join(",")} are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id`,
        { exitCode: ExitCode.options },
      );
    }
    const only = this.secrets[0];
    if (!only)
      throw new InfraError("A vault password is required to encrypt", {
        hint: NO_SECRETS_HINT,
        exitCode: ExitCode.options,
      });
    return only;
  }
}

/** Every source in Ansible's order: identity list, --vault-id, --vault-password-file, the configured file, prompt. */
function sourceSpecs(o: VaultSecretOptions, env: NodeJS.ProcessEnv): { label?: string; source: string }[] {
  const identityList = env.ANSIBLE_VAULT_IDENTITY_LIST
    ? env.ANSIBLE_VAULT_IDENTITY_LIST.split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : (o.configIdentityList ?? []);
  const specs = [...identityList, ...(o.vaultIds ?? [])].map(parseVaultId);
  const files = [...(o.vaultPasswordFiles ?? [])];
  const configured = env.ANSIBLE_VAULT_PASSWORD_FILE || o.configPasswordFile;
  if (configured) files.push(configured);
  for (const f of files) specs.push({ source: f });
  const ask = o.askVaultPass || truthy(env.ANSIBLE_ASK_VAULT_PASS);
  if (ask || (specs.length === 0 && o.autoPrompt)) specs.push({ source: "prompt_ask_vault_pass" });
  return specs;
}

export async function loadVaultSecrets(o: VaultSecretOptions = {}): Promise<VaultSecrets> {
  const env = o.env ?? process.env;
  const warn = o.warn ?? ((m: string) => process.stderr.write(`[WARNING]: ${m}\n`));
  const loaded: VaultSecret[] = [];
  const ctx: SourceContext = {
    cwd: o.cwd ?? process.cwd(),
    prompt: o.prompt ?? promptHidden,
    forEncrypt: o.forEncrypt ?? false,
    earlier: loaded,
  };
  const failures: { label?: string; error: InfraError }[] = [];
  for (const { label, source } of sourceSpecs(o, env)) {
    if (source === "prompt" || source === "prompt_ask_vault_pass") {
      // Prompts fail loudly: the user is right there and typed something wrong.
      loaded.push(await secretFromPrompt(source === "prompt" ? (label ?? "default") : label, ctx));
      continue;
    }
    try {
      loaded.push(await secretFromFile(source, label, ctx));
    } catch (e) {
      if (!(e instanceof InfraError)) throw e;
      failures.push({ label, error: e });
    }
  }
  // An unusable source is fatal only when no other source worked, as in Ansible; otherwise it is a warning.
  const last = failures[failures.length - 1];
  if (loaded.length === 0 && last) throw last.error;
  for (const f of failures)
    warn(`Error getting vault password file (${f.label ?? "default"}): ${f.error.message}`);
  const idMatch =
    env.ANSIBLE_VAULT_ID_MATCH !== undefined ? truthy(env.ANSIBLE_VAULT_ID_MATCH) : o.configIdMatch;
  return new VaultSecrets(loaded, { idMatch });
}
