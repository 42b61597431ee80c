import { createCipheriv, createHmac, pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InfraError } from "../../../src/util/errors.js";
import { decrypt, encrypt } from "../../../src/vault/vault.js";
import { formatEnvelope, formatPayload } from "../../../src/vault/envelope.js";
import { VaultSecrets } from "../../../src/vault/secrets.js";
import { VaultString } from "../../../src/vault/vault-string.js";
import { keyLocationOf, parseYaml } from "../../../src/util/yaml.js";
import { ansibleVaultFails, tempDir, writeFile } from "./helpers.js";

const good = encrypt("the plaintext is long enough for three lines of hex, really it is, quite long.", "pw", {
  salt: "fixed salt",
});
const secrets = new VaultSecrets([{ label: "default", password: Buffer.from("pw") }]);

function errorOf(fn: () => unknown): InfraError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InfraError);
    return e as InfraError;
  }
  throw new Error("expected an InfraError");
}

describe("vault format errors", () => {
  it("rejects data without the vault header", () => {
    expect(errorOf(() => decrypt("db_password: x\n", "pw", { origin: "vars.yml" })).message).toBe(
      "Input is not vault encrypted data: vars.yml is not a vault encrypted file",
    );
  });

  it("rejects a malformed header", () => {
    expect(errorOf(() => decrypt("$ANSIBLE_VAULT;1.1\nabcd\n", "pw")).message).toMatch(
      /bad header "\$ANSIBLE_VAULT;1\.1"/,
    );
    expect(errorOf(() => decrypt(good.replace("$ANSIBLE_VAULT;", "$ANSIBLE_VAULTX;"), "pw")).message).toMatch(
      /bad header/,
    );
  });

  it("rejects an unknown version or cipher", () => {
    expect(errorOf(() => decrypt(good.replace(";1.1;", ";1.3;"), "pw", { origin: "f.yml" })).message).toBe(
      'Vault format error in f.yml: unsupported vault format version "1.3"',
    );
    expect(errorOf(() => decrypt(good.replace("AES256", "AES"), "pw")).message).toBe(
      'Vault format error: unknown cipher "AES"',
    );
  });

  it("rejects a non-hex body and says where", () => {
    const lines = good.split("\n");
    lines[2] = `${lines[2]!.slice(0, 9)}g${lines[2]!.slice(10)}`;
    expect(errorOf(() => decrypt(lines.join("\n"), "pw")).message).toBe(
      'Vault format error: non-hex character "g" on line 3, column 10 of the vault data',
    );
  });

  it("reports truncated data as truncated", () => {
    const lines = good.trimEnd().split("\n");
    expect(errorOf(() => decrypt(`${lines[0]}\n`, "pw")).message).toMatch(
      /no encrypted data after the header/,
    );
    expect(errorOf(() => decrypt(lines.slice(0, -1).join("\n"), "pw")).message).toMatch(/truncated/);
    expect(errorOf(() => decrypt(good.trimEnd().slice(0, -1), "pw")).message).toMatch(
      /odd number of hex digits/,
    );
    expect(errorOf(() => decrypt(lines.slice(0, 2).join("\n"), "pw")).message).toMatch(/truncated/);
    const cut = errorOf(() => decrypt(good.trimEnd().slice(0, -6), "pw"));
    expect(cut.message).toMatch(/truncated/);
    expect(cut.hint).toMatch(/cut short/);
  });

  it("names the file when the HMAC does not verify (tampered data), as ansible-vault also refuses it", () => {
    const lines = good.split("\n");
    const last = lines[lines.length - 2]!;
    lines[lines.length - 2] = `${last.slice(0, -2)}${last.endsWith("30") ? "31" : "30"}`; // one ciphertext byte
    const tampered = lines.join("\n");
    const err = errorOf(() => secrets.decryptBytes(tampered, "group_vars/all/vault.yml"));
    expect(err.message).toBe(
      "Decryption failed (no vault secrets would decrypt) for group_vars/all/vault.yml; " +
        "check --vault-password-file / vault_password_file in ansible.cfg",
    );
    expect(err.hint).toMatch(/HMAC did not match/);
    const dir = tempDir();
    const f = writeFile(dir, "tampered.yml", tampered);
    const r = ansibleVaultFails(["view", "--vault-password-file", writeFile(dir, "pw", "pw\n"), f]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Decryption failed/);
  });

  it("refuses a correct HMAC over badly padded plaintext", () => {
    const salt = Buffer.from("salt");
    const key = pbkdf2Sync("pw", salt, 10000, 80, "sha256");
    const c = createCipheriv("aes-256-ctr", key.subarray(0, 32), key.subarray(64));
    const ciphertext = Buffer.concat([c.update(Buffer.alloc(16, 0)), c.final()]); // no PKCS7 padding at all
    const hmac = createHmac("sha256", key.subarray(32, 64)).update(ciphertext).digest();
    const text = formatEnvelope(formatPayload({ salt, hmac, ciphertext }));
    expect(errorOf(() => decrypt(text, "pw")).message).toMatch(/HMAC matched but the padding is invalid/);
  });

  it("refuses to encrypt vault data twice or with an empty password", () => {
    expect(errorOf(() => encrypt(good, "pw")).message).toBe("Input is already encrypted");
    expect(errorOf(() => encrypt("x", "")).message).toMatch(/must not be empty/);
    expect(errorOf(() => encrypt("x", "pw", { label: "a;b" })).message).toMatch(/not a valid vault id/);
  });
});

describe("vault values in variables", () => {
  const value = new VaultString(encrypt("s3cret", "right"), {
    file: "group_vars/all.yaml",
    line: 12,
    column: 14,
  });

  it("names the variable, the file and the line when no secret decrypts", () => {
    const wrong = new VaultSecrets([{ label: "default", password: Buffer.from("wrong") }]);
    expect(errorOf(() => wrong.decryptString(value, "db_password")).message).toBe(
      "Decryption failed (no vault secrets would decrypt) for variable 'db_password' in group_vars/all.yaml:12:14; " +
        "check --vault-password-file / vault_password_file in ansible.cfg",
    );
    expect(errorOf(() => wrong.decryptString(value)).message).toMatch(
      /for the !vault value in group_vars\/all.yaml:12:14;/,
    );
  });

  it("names the file:line:column where the YAML loader read the !vault value", () => {
    const doc = parseYaml(
      `a: 1\ndb_password: !vault |\n  ${encrypt("x", "right").trimEnd().replace(/\n/g, "\n  ")}\n`,
      "vars.yml",
    ).documents[0] as Record<string, VaultString>;
    const wrong = new VaultSecrets([{ label: "default", password: Buffer.from("wrong") }]);
    const err = errorOf(() =>
      wrong.decryptString(doc.db_password!, "db_password", keyLocationOf(doc, "db_password")),
    );
    expect(err.message).toMatch(/for variable 'db_password' in vars\.yml:2:\d+;/);
  });

  it("says what to pass when there are no secrets at all", () => {
    const err = errorOf(() => new VaultSecrets([]).decryptString(value, "db_password"));
    expect(err.message).toBe(
      "Attempting to decrypt but no vault secrets found for variable 'db_password' in group_vars/all.yaml:12:14",
    );
    expect(err.hint).toMatch(/--ask-vault-pass, --vault-password-file FILE or --vault-id LABEL@SOURCE/);
  });

  it("names the variable in format errors too", () => {
    const broken = new VaultString("$ANSIBLE_VAULT;1.1;AES256\nzz\n", {
      file: "host_vars/web.yml",
      line: 3,
      column: 7,
    });
    expect(errorOf(() => secrets.decryptString(broken, "api_key")).message).toMatch(
      /^Vault format error in variable 'api_key' in host_vars\/web.yml:3:7: non-hex character "z"/,
    );
  });
});
