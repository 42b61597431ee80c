/** Real interoperability with Debian's ansible-vault 2.14, both ways. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decrypt, encrypt, type VaultSecret } from "../../../src/vault/vault.js";
import { parseEnvelope } from "../../../src/vault/envelope.js";
import { parseYaml } from "../../../src/util/yaml.js";
import { VaultString } from "../../../src/vault/vault-string.js";
import { VaultSecrets } from "../../../src/vault/secrets.js";
import { ansibleDecryptMany, ansibleVault, tempDir, writeFile } from "./helpers.js";

const dir = tempDir();
const pwFile = writeFile(dir, "pw", "hunter2\n");
const prodFile = writeFile(dir, "prod-pw", "pr0d pass\n");
const labelled = (label: string, password: string): VaultSecret => ({
  label,
  password: Buffer.from(password),
});

describe("ansible-vault → infra", () => {
  it("decrypts a file encrypted by ansible-vault (1.1)", () => {
    const f = writeFile(dir, "plain.yml", "db_password: s3cret\nusers: [a, b]\n");
    ansibleVault(["encrypt", "--vault-password-file", pwFile, f]);
    const text = readFileSync(f, "utf8");
    expect(text.startsWith("$ANSIBLE_VAULT;1.1;AES256\n")).toBe(true);
    expect(decrypt(text, "hunter2")).toBe("db_password: s3cret\nusers: [a, b]\n");
  });

  it("decrypts a 1.2 file with a label, picking the right one of several vault ids", () => {
    const f = writeFile(dir, "prod.yml", "env: prod\n");
    ansibleVault(["encrypt", "--vault-id", `prod@${prodFile}`, f]);
    const text = readFileSync(f, "utf8");
    expect(parseEnvelope(text).label).toBe("prod");
    const secrets = new VaultSecrets([labelled("dev", "hunter2"), labelled("prod", "pr0d pass")]);
    expect(secrets.decryptBytes(text, f).toString()).toBe("env: prod\n");
  });

  it("decrypts an encrypt_string value read from YAML with !vault", () => {
    const out = ansibleVault([
      "encrypt_string",
      "--vault-id",
      `lab@${pwFile}`,
      "--name",
      "api_key",
      "k3y-valu3",
    ]);
    const parsed = parseYaml(`${out}\n`, "vars.yml").documents[0] as { api_key: VaultString };
    expect(parsed.api_key).toBeInstanceOf(VaultString);
    expect(new VaultSecrets([labelled("lab", "hunter2")]).decryptString(parsed.api_key, "api_key")).toBe(
      "k3y-valu3",
    );
  });

  it("decrypts binary data", () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x80]);
    const f = writeFile(dir, "blob.bin", bytes);
    ansibleVault(["encrypt", "--vault-password-file", pwFile, f]);
    const secrets = new VaultSecrets([labelled("default", "hunter2")]);
    expect(secrets.decryptBytes(readFileSync(f), f).equals(bytes)).toBe(true);
  });
});

describe("infra → ansible-vault", () => {
  it("ansible-vault views a file infra encrypted (1.1)", () => {
    const f = writeFile(dir, "ours.yml", encrypt("a: 1\nb: ünï\n", "hunter2"));
    expect(ansibleVault(["view", "--vault-password-file", pwFile, f])).toBe("a: 1\nb: ünï\n");
  });

  it("ansible-vault decrypts a 1.2 file with its label", () => {
    const f = writeFile(dir, "ours-prod.yml", encrypt("secret: yes\n", labelled("prod", "pr0d pass")));
    expect(readFileSync(f, "utf8").split("\n")[0]).toBe("$ANSIBLE_VAULT;1.2;AES256;prod");
    ansibleVault(["decrypt", "--vault-id", `dev@${pwFile}`, "--vault-id", `prod@${prodFile}`, f]);
    expect(readFileSync(f, "utf8")).toBe("secret: yes\n");
  });

  it("Ansible's VaultLib decrypts texts of every length around the AES block size", () => {
    const texts = [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000].map((n) => "p".repeat(n));
    expect(
      ansibleDecryptMany(
        texts.map((t) => encrypt(t, "hunter2")),
        "hunter2",
      ),
    ).toEqual(texts);
  });

  it("ansible-vault rejects a wrong password for our data, as we do for its data", () => {
    const f = writeFile(dir, "wrong.yml", encrypt("x", "other"));
    expect(() => ansibleVault(["view", "--vault-password-file", pwFile, f])).toThrow(/Decryption failed/);
    const g = join(dir, "theirs-wrong.yml");
    writeFile(dir, "theirs-wrong.yml", "x\n");
    ansibleVault(["encrypt", "--vault-password-file", pwFile, g]);
    expect(() => decrypt(readFileSync(g, "utf8"), "other")).toThrow(/no vault secrets would decrypt/);
  });
});
