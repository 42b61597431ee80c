/** Shared helpers for vault tests: temp dirs and the real Ansible (Debian's ansible-vault, /usr/bin/python3). */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "infra-vault-test-"));
}

export function writeFile(dir: string, name: string, content: string | Buffer, mode = 0o644): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  return path;
}

/** An empty ansible.cfg so a developer's own config (vault_password_file…) cannot change the results. */
const emptyConfig = writeFile(tempDir(), "ansible.cfg", "[defaults]\n");
const ansibleEnv = { ...process.env, ANSIBLE_CONFIG: emptyConfig, ANSIBLE_VAULT_PASSWORD_FILE: "" };

/** Runs ansible-vault; throws with its stderr when it fails. */
export function ansibleVault(args: string[], input?: string | Buffer): string {
  return execFileSync("ansible-vault", args, {
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    env: ansibleEnv,
  });
}

export function ansibleVaultFails(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync("ansible-vault", args, { encoding: "utf8", env: ansibleEnv });
  return { status: r.status, stderr: r.stderr };
}

/** Ansible's own VaultLib.encrypt with a fixed salt, to compare output byte for byte. */
export function ansibleEncryptWithSalt(
  plaintext: string,
  password: string,
  salt: string,
  label?: string,
): string {
  const script = [
    "import sys, json",
    "from ansible.parsing.vault import VaultLib, VaultSecret",
    "a = json.loads(sys.stdin.read())",
    "out = VaultLib().encrypt(a['p'].encode(), VaultSecret(a['pw'].encode()), vault_id=a['label'], salt=a['salt'])",
    "sys.stdout.write(out.decode())",
  ].join("\n");
  return execFileSync("/usr/bin/python3", ["-c", script], {
    input: JSON.stringify({ p: plaintext, pw: password, salt, label: label ?? null }),
    encoding: "utf8",
  });
}

/** Ansible's own VaultLib.decrypt over many vault texts in one Python process (the CLI costs a second per call). */
export function ansibleDecryptMany(texts: string[], password: string): string[] {
  const script = [
    "import sys, json",
    "from ansible.parsing.vault import VaultLib, VaultSecret",
    "a = json.loads(sys.stdin.read())",
    "lib = VaultLib([('default', VaultSecret(a['pw'].encode()))])",
    "print(json.dumps([lib.decrypt(t).decode('utf-8') for t in a['texts']]))",
  ].join("\n");
  const out = execFileSync("/usr/bin/python3", ["-c", script], {
    input: JSON.stringify({ texts, pw: password }),
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}
