import { describe, expect, it, vi } from "vitest";
import { censor } from "../../../src/vault/censor.js";
import { encrypt } from "../../../src/vault/vault.js";
import { loadVaultSecrets, parseVaultId, VaultSecrets } from "../../../src/vault/secrets.js";
import { isClientScript } from "../../../src/vault/password-sources.js";
import { readMaybeVaultedFile } from "../../../src/vault/vaulted-file.js";
import { VaultString } from "../../../src/vault/vault-string.js";
import { tempDir, writeFile } from "./helpers.js";

const dir = tempDir();
const noEnv = {};
const pw = (s: VaultSecrets) => s.secrets.map((x) => [x.label, x.password.toString()]);

describe("password sources", () => {
  it("reads a password file, stripping surrounding whitespace like Ansible", async () => {
    const f = writeFile(dir, "pw-file", "  hunter2 \r\n\n");
    const s = await loadVaultSecrets({ vaultPasswordFiles: [f], env: noEnv });
    expect(pw(s)).toEqual([["default", "hunter2"]]);
    expect(s.secrets[0]!.source).toBe(`file ${f}`);
  });

  it("runs an executable file and takes its stdout", async () => {
    const f = writeFile(dir, "get-pass.sh", "#!/bin/sh\necho ' from script'\n", 0o755);
    const s = await loadVaultSecrets({ vaultIds: [`ops@${f}`], env: noEnv });
    expect(pw(s)).toEqual([["ops", " from script"]]); // only newlines are stripped from script output
  });

  it("gives a -client script the vault id, and reports exit code 2 as an unknown id", async () => {
    const f = writeFile(
      dir,
      "vault-client.sh",
      '#!/bin/sh\n[ "$1" = --vault-id ] || exit 1\n[ "$2" = prod ] && { echo "pw-for-$2"; exit 0; }\necho "no $2" >&2; exit 2\n',
      0o755,
    );
    expect(isClientScript(f)).toBe(true);
    expect(isClientScript("/x/pass-client")).toBe(true);
    expect(isClientScript("/x/client.sh")).toBe(false);
    expect(pw(await loadVaultSecrets({ vaultIds: [`prod@${f}`], env: noEnv }))).toEqual([
      ["prod", "pw-for-prod"],
    ]);
    await expect(loadVaultSecrets({ vaultIds: [`dev@${f}`], env: noEnv })).rejects.toThrow(
      /did not find a secret for vault-id=dev: no dev/,
    );
  });

  it("reports a failing script with its exit code", async () => {
    const f = writeFile(dir, "broken.sh", "#!/bin/sh\nexit 3\n", 0o755);
    await expect(loadVaultSecrets({ vaultPasswordFiles: [f], env: noEnv })).rejects.toThrow(
      /returned non-zero \(3\)/,
    );
  });

  it("refuses an empty password file or script output, and a missing file", async () => {
    const empty = writeFile(dir, "empty", "\n");
    await expect(loadVaultSecrets({ vaultPasswordFiles: [empty], env: noEnv })).rejects.toThrow(
      `Invalid vault password was provided from file (${empty}): the file is empty`,
    );
    const silent = writeFile(dir, "silent.sh", "#!/bin/sh\necho\n", 0o755);
    await expect(loadVaultSecrets({ vaultPasswordFiles: [silent], env: noEnv })).rejects.toThrow(
      /printed nothing/,
    );
    await expect(loadVaultSecrets({ vaultPasswordFiles: [`${dir}/nope`], env: noEnv })).rejects.toThrow(
      /The vault password file .*nope was not found/,
    );
  });

  it("carries on with a warning when another source works", async () => {
    const warn = vi.fn();
    const good = writeFile(dir, "good", "ok\n");
    const s = await loadVaultSecrets({ vaultPasswordFiles: [`${dir}/missing`, good], env: noEnv, warn });
    expect(pw(s)).toEqual([["default", "ok"]]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/missing was not found/));
  });

  it("opens a password file that is itself vaulted with an earlier secret", async () => {
    const outer = writeFile(dir, "outer", "outer-pw\n");
    const inner = writeFile(dir, "inner", encrypt("inner-pw\n", "outer-pw"));
    const s = await loadVaultSecrets({ vaultIds: [`a@${outer}`, `b@${inner}`], env: noEnv });
    expect(pw(s)).toEqual([
      ["a", "outer-pw"],
      ["b", "inner-pw"],
    ]);
  });

  it("prompts without echo: --ask-vault-pass, label@prompt, twice when encrypting", async () => {
    const asked: string[] = [];
    const prompt = async (q: string) => {
      asked.push(q);
      return " typed \n";
    };
    const s = await loadVaultSecrets({ askVaultPass: true, vaultIds: ["dev@prompt"], env: noEnv, prompt });
    expect(pw(s)).toEqual([
      ["dev", "typed"],
      ["default", "typed"],
    ]);
    expect(asked).toEqual(["Vault password (dev): ", "Vault password: "]);
    asked.length = 0;
    await loadVaultSecrets({ vaultIds: ["prompt"], env: noEnv, prompt, forEncrypt: true });
    expect(asked).toEqual(["New vault password (default): ", "Confirm new vault password (default): "]);
    let n = 0;
    const differing = async () => (n++ === 0 ? "a" : "b");
    await expect(
      loadVaultSecrets({ askVaultPass: true, forEncrypt: true, env: noEnv, prompt: differing }),
    ).rejects.toThrow("Passwords do not match");
    await expect(
      loadVaultSecrets({ askVaultPass: true, env: noEnv, prompt: async () => "  " }),
    ).rejects.toThrow(/prompt answer was empty/);
  });

  it("prompts by itself only when asked to (ansible-vault does, playbooks do not)", async () => {
    const prompt = vi.fn(async () => "x");
    expect((await loadVaultSecrets({ env: noEnv, prompt })).size).toBe(0);
    expect(prompt).not.toHaveBeenCalled();
    expect((await loadVaultSecrets({ env: noEnv, prompt, autoPrompt: true })).size).toBe(1);
  });

  it("uses ANSIBLE_VAULT_PASSWORD_FILE over ansible.cfg, after the command line, in Ansible's order", async () => {
    const a = writeFile(dir, "a", "A\n");
    const b = writeFile(dir, "b", "B\n");
    const c = writeFile(dir, "c", "C\n");
    const s = await loadVaultSecrets({
      vaultPasswordFiles: [a],
      vaultIds: [`x@${b}`],
      configPasswordFile: `${dir}/unused`,
      env: { ANSIBLE_VAULT_PASSWORD_FILE: c },
    });
    expect(pw(s)).toEqual([
      ["x", "B"],
      ["default", "A"],
      ["default", "C"],
    ]);
    const fromCfg = await loadVaultSecrets({ configPasswordFile: a, env: noEnv });
    expect(pw(fromCfg)).toEqual([["default", "A"]]);
    const list = await loadVaultSecrets({ env: { ANSIBLE_VAULT_IDENTITY_LIST: `l1@${a}, l2@${b}` } });
    expect(pw(list)).toEqual([
      ["l1", "A"],
      ["l2", "B"],
    ]);
  });

  it("parses label@source and rejects ';' in labels", () => {
    expect(parseVaultId("prod@~/.pw")).toEqual({ label: "prod", source: "~/.pw" });
    expect(parseVaultId("file@with@at")).toEqual({ label: "file", source: "with@at" });
    expect(parseVaultId("prompt")).toEqual({ source: "prompt" });
    expect(parseVaultId("@prompt")).toEqual({ label: undefined, source: "prompt" });
    expect(() => parseVaultId("a;b@prompt")).toThrow(/not a valid vault id/);
  });
});

describe("VaultSecrets", () => {
  const secrets = new VaultSecrets([{ label: "default", password: Buffer.from("pw") }]);

  it("decrypts !vault values once, caches them and censors them everywhere", () => {
    const v = new VaultString(encrypt("cached-plaintext", "pw"), { file: "f.yml", line: 1 });
    expect(secrets.decryptString(v, "x")).toBe("cached-plaintext");
    const spy = vi.spyOn(secrets, "decryptBytes");
    expect(secrets.decryptString(new VaultString(v.ciphertext), "y")).toBe("cached-plaintext");
    expect(spy).not.toHaveBeenCalled(); // no second PBKDF2 for the same ciphertext
    spy.mockRestore();
    expect(censor("msg: cached-plaintext!")).toBe("msg: ********!");
  });

  it("chooses the encryption secret like ansible-vault", () => {
    const two = new VaultSecrets([
      { label: "dev", password: Buffer.from("d") },
      { label: "prod", password: Buffer.from("p") },
    ]);
    expect(two.encryptionSecret("prod").label).toBe("prod");
    expect(() => two.encryptionSecret()).toThrow(/The vault-ids dev,prod are available to encrypt/);
    expect(() => two.encryptionSecret("qa")).toThrow(/Did not find a match for --encrypt-vault-id=qa/);
    expect(() => new VaultSecrets().encryptionSecret()).toThrow(/A vault password is required/);
  });

  it("reads plain and fully vaulted files alike", () => {
    const plain = writeFile(dir, "plain.yml", "a: 1\n");
    const vaulted = writeFile(dir, "vaulted.yml", encrypt("whole-file-secret: 2\n", "pw"));
    expect(readMaybeVaultedFile(plain, undefined)).toEqual({ text: "a: 1\n", vaulted: false });
    expect(readMaybeVaultedFile(vaulted, secrets)).toEqual({ text: "whole-file-secret: 2\n", vaulted: true });
    expect(() => readMaybeVaultedFile(vaulted, undefined)).toThrow(
      `Attempting to decrypt but no vault secrets found for ${vaulted}`,
    );
    expect(() =>
      readMaybeVaultedFile(vaulted, new VaultSecrets([{ label: "default", password: Buffer.from("no") }])),
    ).toThrow(`Decryption failed (no vault secrets would decrypt) for ${vaulted}`);
  });
});

describe("warming vault keys", () => {
  // Fresh modules: the registry of parsed values is the process's, and other tests parse values too.
  async function fresh() {
    vi.resetModules();
    return {
      ...(await import("../../../src/vault/aes256.js")),
      ...(await import("../../../src/vault/vault-string.js")),
      ...(await import("../../../src/vault/secrets.js")),
      ...(await import("../../../src/vault/vault.js")),
    };
  }

  it("derives the keys of parsed values in the thread pool, those parsed later too, and decrypts with them", async () => {
    const m = await fresh();
    const secret = { label: "prod", password: Buffer.from("warm-pw") };
    const other = { label: "dev", password: Buffer.from("other-pw") };
    const early = new m.VaultString(m.encrypt("early secret", secret, { label: "prod" }));
    const secrets = new m.VaultSecrets([other, secret]);
    expect(await m.warmedKeys()).toBe(0);
    secrets.warmKeys();
    expect(await m.warmedKeys()).toBe(1);
    const late = new m.VaultString(m.encrypt("late secret", secret, { label: "prod" }));
    void new m.VaultString(late.ciphertext); // the same value again (the YAML loader makes two): warmed once
    expect(await m.warmedKeys()).toBe(2);
    expect(secrets.decryptString(early)).toBe("early secret");
    expect(secrets.decryptString(late)).toBe("late secret");
  });

  it("warms nothing without secrets, and leaves a malformed value to decryption's message", async () => {
    const m = await fresh();
    new m.VaultSecrets([]).warmKeys();
    const bad = new m.VaultString("$ANSIBLE_VAULT;1.1;AES256\nnot hex");
    const secrets = new m.VaultSecrets([{ label: "default", password: Buffer.from("x") }]);
    secrets.warmKeys();
    expect(await m.warmedKeys()).toBe(0);
    expect(() => secrets.decryptString(bad, "broken")).toThrow(/broken/);
  });
});
