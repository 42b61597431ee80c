/**
 * Inventory features and configuration lookup, compared with Debian's ansible-playbook: INI host ranges, the
 * `ungrouped` group, subscripts and exclusions in patterns (through --list-hosts, which connects to nothing);
 * ansible.cfg found through ANSIBLE_CONFIG and ~/.ansible.cfg; and --ask-vault-pass answered on stdin on a lab host.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../../src/util/exec.js";
import { encrypt } from "../../../src/vault/vault.js";
import { lab } from "../lab-helpers.js";
import { ansiblePlaybook, infra } from "./course-helpers.js";
import { debugMessages, hostsSorted } from "./playbook-helpers.js";

const INVENTORY = `lonely ansible_host=127.0.0.1
[web]
web[01:03] ansible_host=127.0.0.1
[db]
db-[a:c] ansible_host=127.0.0.1
[stack:children]
web
db
`;

const PLAYS = [
  "web[0:1]",
  "web[-1]",
  "ungrouped",
  "web*:!web02",
  "stack:&db",
  "db-[a:b]",
  "~db-[bc]",
  "all[1:]",
  "web,lonely",
]
  .map((p, i) => `- name: play ${i}\n  hosts: "${p}"\n  gather_facts: no\n  tasks: []\n`)
  .join("");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-invcfg-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe("inventory and configuration, as ansible-playbook reads them", () => {
  it("ranges, ungrouped, subscripts, exclusions and regexes select the same hosts", async () => {
    const dir = folder({ hosts: INVENTORY, "site.yml": PLAYS });
    const args = ["-i", "hosts", "site.yml", "--list-hosts"];
    const ours = await infra(dir, ["apply", ...args]);
    const theirs = await ansiblePlaybook(dir, args);
    expect(ours.code, ours.stderr).toBe(0);
    expect(hostsSorted(ours.stdout)).toBe(hostsSorted(theirs.stdout));
    expect(ours.stdout).toContain("hosts (2):\n      web01\n      web02");
    expect(ours.stdout).toMatch(/pattern: \['ungrouped'\]\n {4}hosts \(1\):\n {6}lonely/);
  });

  it("finds ansible.cfg through ANSIBLE_CONFIG, then ~/.ansible.cfg", async () => {
    const conf = folder({ "elsewhere/inv": INVENTORY, "elsewhere/my.cfg": "[defaults]\ninventory = inv\n" });
    const work = folder({ "site.yml": PLAYS });
    const args = ["site.yml", "--list-hosts"];
    const env = { ANSIBLE_CONFIG: join(conf, "elsewhere/my.cfg") };
    const ours = await infra(work, ["apply", ...args], env);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout).toContain("web03");
    const theirs = await run("ansible-playbook", args, { cwd: work, env: { ...process.env, ...env } });
    expect(hostsSorted(ours.stdout)).toBe(hostsSorted(theirs.stdout));

    const home = folder({ ".ansible.cfg": `[defaults]\ninventory = ${join(conf, "elsewhere/inv")}\n` });
    const fromHome = await infra(work, ["apply", ...args], { HOME: home });
    expect(fromHome.stdout).toBe(ours.stdout);
  });

  it("--ask-vault-pass reads the password from stdin and decrypts on a lab host", async () => {
    const password = "ask-me-please";
    const secret = "asked-secret-value";
    const vaulted = encrypt(secret, password)
      .split("\n")
      .map((l) => `      ${l}`)
      .join("\n");
    const dir = folder({
      "site.yml": `- hosts: backup\n  gather_facts: no\n  vars:\n    s: !vault |\n${vaulted}\n  tasks:\n    - debug: msg="{{ s | length }} {{ s | hash('sha1') }}"\n`,
    });
    const cli = resolve("bin/infra.js");
    const args = ["apply", "-i", lab().inventory, "site.yml", "--ask-vault-pass"];
    const ours = await run(process.execPath, [cli, ...args], {
      cwd: dir,
      input: `${password}\n`,
      env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
    });
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    const sha1 = (await run("sh", ["-c", `printf %s '${secret}' | sha1sum | cut -c1-40`])).stdout.trim();
    expect(debugMessages(ours.stdout)).toEqual([`backup: ${secret.length} ${sha1}`]);
    expect(ours.stdout + ours.stderr).not.toContain(password);
    const wrong = await run(process.execPath, [cli, ...args], { cwd: dir, input: "nope\n" });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/Decryption failed/);
  });
});
