import { lstatSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { registerVault } from "../../../src/cli/commands/vault.js";
import { InfraError } from "../../../src/util/errors.js";
import { encrypt } from "../../../src/vault/vault.js";
import { ansibleDecryptMany, ansibleVault, tempDir, writeFile } from "./helpers.js";

const stdin = vi.hoisted(() => ({ data: Buffer.alloc(0) }));
vi.mock("../../../src/vault/stdin.js", () => ({ readAllStdin: () => stdin.data }));

const dir = tempDir();
const pwFile = writeFile(dir, "pw", "hunter2\n");
const prodFile = writeFile(dir, "prod", "pr0d\n");

let out: MockInstance;
let err: MockInstance;
const written = (spy: MockInstance) => spy.mock.calls.map((c) => String(c[0])).join("");

beforeEach(() => {
  out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

async function infra(...args: string[]): Promise<void> {
  const program = new Command("infra").exitOverride();
  registerVault(program);
  await program.parseAsync(["vault", ...args], { from: "user" });
}

/** The shape of a `!vault |` block with the hex digits blanked, to compare ours with ansible-vault's. */
const shape = (yaml: string) => yaml.replace(/[0-9a-f]{2,}$/gm, (h) => "h".repeat(h.length));

describe("infra vault encrypt-string", () => {
  it("prints the same YAML block as ansible-vault, which decrypts it", async () => {
    await infra("encrypt-string", "--vault-password-file", pwFile, "--name", "db_password", "s3cret-value");
    const ours = written(out);
    const theirs = ansibleVault([
      "encrypt_string",
      "--vault-password-file",
      pwFile,
      "--name",
      "db_password",
      "s3cret-value",
    ]);
    expect(shape(ours)).toBe(shape(theirs));
    expect(ours.startsWith("db_password: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          ")).toBe(
      true,
    );
    expect(ours.endsWith("\n")).toBe(false);
    const vaulttext = `${ours
      .split("\n")
      .slice(1)
      .map((l) => l.trim())
      .join("\n")}\n`;
    expect(ansibleDecryptMany([vaulttext], "hunter2")).toEqual(["s3cret-value"]);
  });

  it("labels the block with the vault id", async () => {
    await infra("encrypt_string", "--vault-id", `prod@${prodFile}`, "x1y2z3");
    expect(written(out).split("\n").slice(0, 2)).toEqual([
      "!vault |",
      "          $ANSIBLE_VAULT;1.2;AES256;prod",
    ]);
  });

  it("separates several strings with comments on stderr, naming what it can", async () => {
    await infra("encrypt-string", "--vault-password-file", pwFile, "-n", "first", "one", "two");
    expect(written(out).match(/!vault \|/g)).toHaveLength(2);
    expect(written(out)).toMatch(/^first: !vault \|/);
    expect(written(out)).toMatch(/\n!vault \|/);
    expect(written(err)).toContain(
      '# The encrypted version of variable ("first", the string #1 from the command line args).',
    );
    expect(written(err)).toContain("# The encrypted version of the string #2 from the command line args.)");
  });

  it("reads stdin with --stdin-name", async () => {
    stdin.data = Buffer.from("piped secret\n");
    await infra("encrypt-string", "--vault-password-file", pwFile, "--stdin-name", "piped");
    const vaulttext = `${written(out)
      .split("\n")
      .slice(1)
      .map((l) => l.trim())
      .join("\n")}\n`;
    expect(written(out)).toMatch(/^piped: !vault \|/);
    expect(ansibleDecryptMany([vaulttext], "hunter2")).toEqual(["piped secret\n"]);
  });

  it("refuses empty input and an ambiguous encryption secret", async () => {
    await expect(infra("encrypt-string", "--vault-password-file", pwFile, "")).rejects.toThrow(/was empty/);
    stdin.data = Buffer.alloc(0);
    await expect(infra("encrypt-string", "--vault-password-file", pwFile)).rejects.toThrow(
      "stdin was empty, not encrypting",
    );
    await expect(
      infra("encrypt-string", "--vault-id", `a@${pwFile}`, "--vault-id", `b@${prodFile}`, "x"),
    ).rejects.toThrow(/Specify the vault-id to encrypt with --encrypt-vault-id/);
  });
});

describe("infra vault encrypt / decrypt / view", () => {
  it("encrypts in place with mode 0600, readable by ansible-vault, and decrypts back", async () => {
    const f = writeFile(dir, "vars.yml", "a: 1\nsecret: yes\n");
    await infra("encrypt", "--vault-password-file", pwFile, f);
    expect(readFileSync(f, "utf8").startsWith("$ANSIBLE_VAULT;1.1;AES256\n")).toBe(true);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(ansibleVault(["view", "--vault-password-file", pwFile, f])).toBe("a: 1\nsecret: yes\n");
    await infra("decrypt", "--vault-password-file", pwFile, f);
    expect(readFileSync(f, "utf8")).toBe("a: 1\nsecret: yes\n");
  });

  it("decrypts and views files encrypted by ansible-vault, with --output and through symlinks", async () => {
    const f = writeFile(dir, "theirs.yml", "from: ansible\n");
    ansibleVault(["encrypt", "--vault-id", `prod@${prodFile}`, f]);
    await infra("view", "--vault-id", `dev@${pwFile}`, "--vault-id", `prod@${prodFile}`, f);
    expect(written(out)).toBe("from: ansible\n");
    const plain = join(dir, "plain-out.yml");
    await infra("decrypt", "--vault-id", `prod@${prodFile}`, "--output", plain, f);
    expect(readFileSync(plain, "utf8")).toBe("from: ansible\n");
    expect(readFileSync(f, "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    const link = join(dir, "link.yml");
    symlinkSync(f, link);
    await infra("decrypt", "--vault-password-file", prodFile, link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(f, "utf8")).toBe("from: ansible\n");
  });

  it("reads stdin and writes stdout without a file", async () => {
    stdin.data = Buffer.from(encrypt("via stdin\n", "hunter2"));
    await infra("decrypt", "--vault-password-file", pwFile);
    expect(written(out)).toBe("via stdin\n");
  });

  it("reports wrong passwords, plain files, double encryption and --output misuse", async () => {
    const vaulted = writeFile(dir, "v.yml", encrypt("x: 1\n", "hunter2"));
    const plain = writeFile(dir, "p.yml", "x: 1\n");
    await expect(infra("view", "--vault-password-file", prodFile, vaulted)).rejects.toThrow(
      `Decryption failed (no vault secrets would decrypt) for ${vaulted}`,
    );
    await expect(infra("decrypt", "--vault-password-file", pwFile, plain)).rejects.toThrow(
      /is not a vault encrypted file/,
    );
    await expect(infra("encrypt", "--vault-password-file", pwFile, vaulted)).rejects.toThrow(
      /already vault encrypted/,
    );
    const e = await infra("decrypt", "--vault-password-file", pwFile, "--output", "o", vaulted, plain).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(InfraError);
    expect((e as InfraError).exitCode).toBe(5);
    expect(readFileSync(vaulted, "utf8").startsWith("$ANSIBLE_VAULT")).toBe(true);
  });
});
