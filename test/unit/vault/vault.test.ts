import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  decrypt,
  decryptBytes,
  encrypt,
  candidateSecrets,
  type VaultSecret,
} from "../../../src/vault/vault.js";
import { parseEnvelope, isVaultText } from "../../../src/vault/envelope.js";
import { ansibleEncryptWithSalt } from "./helpers.js";

const secret = (label: string, password: string): VaultSecret => ({ label, password: Buffer.from(password) });

describe("vault format", () => {
  it("round-trips any text and binary data", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (text, pw) => {
          expect(decrypt(encrypt(text, pw), pw)).toBe(text);
        },
      ),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const data = Buffer.from(bytes);
        if (isVaultText(data)) return;
        expect(decryptBytes(encrypt(data, "pw"), "pw").plaintext.equals(data)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("writes a 1.1 header without a label and 80-column hex lines ending with a newline", () => {
    const text = encrypt("x".repeat(500), "pw");
    const lines = text.split("\n");
    expect(lines[0]).toBe("$ANSIBLE_VAULT;1.1;AES256");
    expect(text.endsWith("\n")).toBe(true);
    const body = lines.slice(1, -1);
    expect(body.slice(0, -1).every((l) => l.length === 80)).toBe(true);
    expect(body.every((l) => /^[0-9a-f]+$/.test(l))).toBe(true);
  });

  it("writes a 1.2 header with the label, but 1.1 for the default label", () => {
    expect(encrypt("x", secret("prod", "pw")).split("\n")[0]).toBe("$ANSIBLE_VAULT;1.2;AES256;prod");
    expect(encrypt("x", "pw", { label: "dev" }).split("\n")[0]).toBe("$ANSIBLE_VAULT;1.2;AES256;dev");
    expect(encrypt("x", secret("default", "pw")).split("\n")[0]).toBe("$ANSIBLE_VAULT;1.1;AES256");
    expect(parseEnvelope(encrypt("x", "pw", { label: "dev" })).label).toBe("dev");
  });

  it("produces exactly Ansible's bytes for the same salt", () => {
    for (const [plain, pw, salt, label] of [
      ["hello world", "hunter2", "0123456789abcdef0123456789abcdef", undefined],
      ["ünïcödé\nline two\n", "pässword", "salty", "prod"],
      ["x".repeat(16), "pw", "s", undefined],
      ["", "pw", "another salt", "lab"],
    ] as const) {
      expect(encrypt(plain, pw, { salt, label })).toBe(ansibleEncryptWithSalt(plain, pw, salt, label));
    }
  });

  it("a random salt makes each encryption different", () => {
    expect(encrypt("same", "pw")).not.toBe(encrypt("same", "pw"));
  });

  it("tries the secret with the data's label first, then the others", () => {
    const secrets = [secret("a", "pa"), secret("b", "pb"), secret("c", "pc")];
    expect(candidateSecrets(secrets, "b").map((s) => s.label)).toEqual(["b", "a", "c"]);
    expect(candidateSecrets(secrets, undefined).map((s) => s.label)).toEqual(["a", "b", "c"]);
    expect(candidateSecrets(secrets, "b", true).map((s) => s.label)).toEqual(["b"]);
    // Labelled "b" but encrypted with c's password: the label is only a hint.
    const text = encrypt("v", secret("c", "pc"), { label: "b" });
    expect(decryptBytes(text, secrets)).toEqual({ plaintext: Buffer.from("v"), label: "c" });
    expect(() => decryptBytes(text, secrets, { idMatch: true })).toThrow(/no vault secrets would decrypt/);
  });

  it("accepts CRLF line ends and indentation left over from YAML", () => {
    const text = encrypt("value", "pw", { label: "x" });
    expect(decrypt(text.replace(/\n/g, "\r\n"), "pw")).toBe("value");
    expect(decrypt(text.replace(/\n/g, "\n    "), "pw")).toBe("value");
  });
});
