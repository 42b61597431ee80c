/**
 * Host keys through `infra apply`: an unknown or changed key is refused by default with a message saying how to
 * accept it; `host_key_checking = False` (ansible.cfg or ANSIBLE_HOST_KEY_CHECKING) connects as Ansible does.
 * Uses the secrets lab (read-only here) with known_hosts files of its own.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recap } from "../engine/course-helpers.js";
import { dropLab, infraIn, ownLab, type OwnLab } from "./own-lab.js";

let lab: OwnLab;
let dir: string;
// A valid ed25519 key that belongs to no lab host.
const STRANGER = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm8n4d4S0Vw7zQ3l3XfQ2d8pZkQF8mXgVZK6m1p2w8K stranger";

function inventoryWith(knownHosts: string): string {
  const text = readFileSync(lab.inventory, "utf8").replace(
    /UserKnownHostsFile=[^' ]+/,
    `UserKnownHostsFile=${knownHosts}`,
  );
  const file = join(dir, `hosts-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  return file;
}

function knownHosts(lines: string[]): string {
  const file = join(dir, `known-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

const ping = (inventory: string, env: NodeJS.ProcessEnv = {}, cfg = "") => {
  writeFileSync(join(dir, "ansible.cfg"), cfg);
  return infraIn(dir, ["apply", "-i", inventory, "-l", "backup", "site.yml"], env);
};

describe("host keys", () => {
  beforeAll(async () => {
    lab = await ownLab("secrets", 3);
    dir = mkdtempSync(join(tmpdir(), "infra-hostkeys-"));
    writeFileSync(
      join(dir, "site.yml"),
      "- hosts: all\n  gather_facts: no\n  tasks:\n    - command: hostname\n",
    );
  }, 600_000);

  afterAll(() => dropLab("secrets"), 300_000);

  it("the lab's own known_hosts works (the baseline)", async () => {
    const r = await ping(inventoryWith(lab.knownHosts));
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("a changed host key is refused, reported UNREACHABLE with how to accept it", async () => {
    const port = lab.state.hosts.find((h) => h.name === "backup")!.port;
    const r = await ping(inventoryWith(knownHosts([`[127.0.0.1]:${port} ${STRANGER}`])));
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(4);
    expect(out).toMatch(/UNREACHABLE!/);
    expect(out).toMatch(
      /host key .*(changed|does not match|mismatch)|REMOTE HOST IDENTIFICATION HAS CHANGED/i,
    );
    // How to accept it: remove the old key, scan the new one into the file the run used, or turn checking off.
    expect(out).toMatch(/ssh-keygen -f \S+ -R '\[127\.0\.0\.1\]:\d+'/);
    expect(out).toMatch(/ssh-keyscan -p \d+ -t [\w-]+ 127\.0\.0\.1 >> \S*infra-hostkeys-\S+/);
    expect(out).toContain("host_key_checking = False");
    expect(recap(r.stdout).backup?.unreachable).toBe(1);
  });

  it("an unknown host key is refused with how to accept it", async () => {
    const r = await ping(inventoryWith(knownHosts([])));
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(4);
    expect(out).toMatch(/UNREACHABLE!/);
    expect(out).toMatch(/host key|authenticity|not in known_hosts|unknown/i);
    expect(out).toMatch(/ssh-keyscan -p \d+ -t [\w-]+ 127\.0\.0\.1 >> \S*infra-hostkeys-\S+/);
    expect(out).toContain("host_key_checking = False");
  });

  it("host_key_checking = False in ansible.cfg accepts the unknown key", async () => {
    const r = await ping(inventoryWith(knownHosts([])), {}, "[defaults]\nhost_key_checking = False\n");
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("ANSIBLE_HOST_KEY_CHECKING=False accepts even a changed key, as Ansible does", async () => {
    const port = lab.state.hosts.find((h) => h.name === "backup")!.port;
    const inv = inventoryWith(knownHosts([`[127.0.0.1]:${port} ${STRANGER}`]));
    const r = await ping(inv, { ANSIBLE_HOST_KEY_CHECKING: "False" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
