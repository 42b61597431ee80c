/**
 * openssh_keypair, known_hosts and authorized_key against a lab host, in the forms the course's backup role uses
 * (a key generated on the host, the backup server's host key under its name, address and alias, the clients'
 * public keys in authorized_keys), each compared with Debian's ansible on twin paths (…-a by Ansible, …-b by us).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible as oracle } from "./ansible-oracle.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "backup";
const B = { become: true };
let conn: SshConnection;
const ansible = (
  module: string,
  args: Record<string, unknown>,
  o: { check?: boolean; diff?: boolean } = {},
) => oracle(HOST, module, args, { become: true, ...o });

async function cleanup() {
  await sh(
    HOST,
    "rm -rf /tmp/infra-keypair-* /tmp/infra-kh-*; for u in infra_t_ak_a infra_t_ak_b; do userdel -r $u 2>/dev/null; done; true",
  );
}
beforeAll(async () => {
  conn = await connect(HOST);
  await cleanup();
  await sh(HOST, "mkdir -p /tmp/infra-keypair-a /tmp/infra-keypair-b /tmp/infra-kh-a /tmp/infra-kh-b");
});
afterAll(async () => {
  await cleanup();
  await conn.close();
});

const perms = (paths: string) => sh(HOST, `stat -c '%a %U %G' ${paths}`);

describe("openssh_keypair", () => {
  it("generates an ed25519 key, then keeps it in one round trip", async () => {
    const args = { path: "/tmp/infra-keypair-b/id", type: "ed25519", comment: "backup@infra" };
    const check = await run("openssh_keypair", args, conn, { ...B, check: true });
    expect(check.changed).toBe(true);
    expect(await sh(HOST, "ls /tmp/infra-keypair-b")).toBe("");

    const made = await run("openssh_keypair", args, conn, { ...B, diff: true });
    expect(made).toMatchObject({
      changed: true,
      size: 256,
      type: "ed25519",
      filename: "/tmp/infra-keypair-b/id",
      comment: "backup@infra",
    });
    expect(made.public_key).toBe((await sh(HOST, "cut -d' ' -f1,2 /tmp/infra-keypair-b/id.pub")).trim());
    expect(made.fingerprint).toMatch(/^SHA256:/);
    expect(await perms("/tmp/infra-keypair-b/id /tmp/infra-keypair-b/id.pub")).toBe(
      "600 root root\n644 root root\n",
    );

    const before = conn.stats.roundTrips;
    const again = await run("openssh_keypair", args, conn, B);
    expect(again).toMatchObject({
      changed: false,
      fingerprint: made.fingerprint,
      public_key: made.public_key,
    });
    expect(conn.stats.roundTrips - before).toBe(1);
  });

  it("changes only the comment and the mode without regenerating", async () => {
    const r = await run(
      "openssh_keypair",
      { path: "/tmp/infra-keypair-b/id", type: "ed25519", comment: "other", mode: "0640" },
      conn,
      {
        ...B,
        diff: true,
      },
    );
    expect(r.changed).toBe(true);
    expect(
      await sh(HOST, "cut -d' ' -f3 /tmp/infra-keypair-b/id.pub; stat -c %a /tmp/infra-keypair-b/id"),
    ).toBe("other\n640\n");
  });

  it("protects a key with a passphrase that never reaches a command line", async () => {
    const r = await run(
      "openssh_keypair",
      { path: "/tmp/infra-keypair-b/enc", type: "ed25519", passphrase: "s3cret word" },
      conn,
      B,
    );
    expect(r.changed).toBe(true);
    expect(
      await sh(
        HOST,
        "ssh-keygen -P '' -y -f /tmp/infra-keypair-b/enc >/dev/null 2>&1 && echo open || echo locked",
      ),
    ).toBe("locked\n");
    expect(await sh(HOST, "ssh-keygen -P 's3cret word' -y -f /tmp/infra-keypair-b/enc | cut -d' ' -f1")).toBe(
      "ssh-ed25519\n",
    );
    const again = await run(
      "openssh_keypair",
      { path: "/tmp/infra-keypair-b/enc", type: "ed25519", passphrase: "s3cret word" },
      conn,
      B,
    );
    expect(again.changed).toBe(false);
    const wrong = await run(
      "openssh_keypair",
      { path: "/tmp/infra-keypair-b/enc", type: "ed25519" },
      conn,
      B,
    );
    expect(wrong.msg).toMatch(/^Unable to read the key\. The key is protected with a passphrase or broken\./);
  });

  it("rejects a bad size as Ansible does, and matches ansible's results", async () => {
    const bad = { path: "/tmp/infra-keypair-b/ec", type: "ecdsa", size: 300 };
    const a0 = await ansible("openssh_keypair", { ...bad, path: "/tmp/infra-keypair-a/ec" });
    expect((await run("openssh_keypair", bad, conn, B)).msg).toBe(a0.msg);

    for (const extra of [
      { type: "rsa", size: 2048 },
      { type: "ed25519" },
      { type: "ed25519", state: "absent" },
    ]) {
      const a = await ansible("openssh_keypair", { path: "/tmp/infra-keypair-a/k", ...extra });
      const b = await run("openssh_keypair", { path: "/tmp/infra-keypair-b/k", ...extra }, conn, B);
      expect([b.changed, b.size, b.type, b.comment]).toEqual([a.changed, a.size, a.type, a.comment]);
      expect(await sh(HOST, "cd /tmp/infra-keypair-b && stat -c '%n %a %U' k* 2>/dev/null; true")).toBe(
        await sh(HOST, "cd /tmp/infra-keypair-a && stat -c '%n %a %U' k* 2>/dev/null; true"),
      );
    }
  });
});

describe("known_hosts", () => {
  it("records the backup server's host key under its name, address and alias", async () => {
    const hostKey = (await sh(HOST, "cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub")).trim();
    const names = ["backup", "10.1.2.3", "backup-alias.example"];
    for (const [mine, theirs] of [["/tmp/infra-kh-b/known_hosts", "/tmp/infra-kh-a/known_hosts"]] as const) {
      for (const name of names) {
        const args = { name, key: `${name} ${hostKey}` };
        const a = await ansible("known_hosts", { ...args, path: theirs });
        const check = await run("known_hosts", { ...args, path: mine }, conn, {
          ...B,
          check: true,
          diff: true,
        });
        expect(check.changed).toBe(true);
        const b = await run("known_hosts", { ...args, path: mine }, conn, B);
        expect([b.changed, b.path]).toEqual([a.changed, mine]);
        const before = conn.stats.roundTrips;
        expect((await run("known_hosts", { ...args, path: mine }, conn, B)).changed).toBe(false);
        expect(conn.stats.roundTrips - before).toBe(1);
      }
      expect(await sh(HOST, `cat ${mine}; stat -c '%a %U' ${mine}`)).toBe(
        await sh(HOST, `cat ${theirs}; stat -c '%a %U' ${theirs}`),
      );
    }
  });

  it("replaces another key of the same type, hashes on demand, removes a host", async () => {
    const other = (
      await sh(
        HOST,
        "ssh-keygen -q -t ed25519 -N '' -f /tmp/infra-kh-b/tmpkey && cut -d' ' -f1,2 /tmp/infra-kh-b/tmpkey.pub",
      )
    ).trim();
    for (const path of ["/tmp/infra-kh-a/known_hosts", "/tmp/infra-kh-b/known_hosts"]) {
      const args = { name: "10.1.2.3", key: `10.1.2.3 ${other}`, path };
      const r = path.includes("-a/")
        ? await ansible("known_hosts", args, { diff: true })
        : await run("known_hosts", args, conn, { ...B, diff: true });
      expect(r.changed).toBe(true);
      expect((r.diff as { after: string }).after).toContain(`10.1.2.3 ${other}`);
      const h = { name: "hashed.example", key: `hashed.example ${other}`, path, hash_host: true };
      expect(
        (path.includes("-a/") ? await ansible("known_hosts", h) : await run("known_hosts", h, conn, B))
          .changed,
      ).toBe(true);
      expect(
        (path.includes("-a/") ? await ansible("known_hosts", h) : await run("known_hosts", h, conn, B))
          .changed,
      ).toBe(false);
      const rm = { name: "backup-alias.example", path, state: "absent" };
      expect(
        (path.includes("-a/") ? await ansible("known_hosts", rm) : await run("known_hosts", rm, conn, B))
          .changed,
      ).toBe(true);
    }
    const strip = (p: string) => sh(HOST, `grep -v '^|1|' ${p}; grep -c '^|1|' ${p}`);
    expect(await strip("/tmp/infra-kh-b/known_hosts")).toBe(await strip("/tmp/infra-kh-a/known_hosts"));
  });

  it("refuses a key that does not name the host, and a list of names", async () => {
    const hostKey = (await sh(HOST, "cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub")).trim();
    const path = "/tmp/infra-kh-b/known_hosts";
    for (const args of [
      { name: "elsewhere", key: `backup ${hostKey}`, path },
      { name: "a,b", key: `a,b ${hostKey}`, path },
      { name: "x", path },
    ]) {
      expect((await run("known_hosts", args, conn, B)).msg).toBe(
        (await ansible("known_hosts", { ...args, path: "/tmp/infra-kh-a/known_hosts" })).msg,
      );
    }
  });
});

describe("authorized_key", () => {
  it("fills authorized_keys with the clients' keys exactly as ansible does", async () => {
    await sh(HOST, "useradd -m infra_t_ak_a; useradd -m infra_t_ak_b");
    const k1 = (
      await sh(
        HOST,
        "ssh-keygen -q -t ed25519 -N '' -C client1 -f /tmp/infra-kh-b/c1 && cat /tmp/infra-kh-b/c1.pub",
      )
    ).trim();
    const k2 = (
      await sh(
        HOST,
        "ssh-keygen -q -t ed25519 -N '' -f /tmp/infra-kh-b/c2 && cut -d' ' -f1,2 /tmp/infra-kh-b/c2.pub",
      )
    ).trim();
    const file = (u: string) => `/home/${u}/.ssh/authorized_keys`;
    const state = (u: string) =>
      sh(HOST, `cat ${file(u)}; stat -c '%a %U %G' /home/${u}/.ssh ${file(u)}`).then((s) =>
        s.replaceAll(u, "U"),
      );
    const steps: Record<string, unknown>[] = [
      { key: k1 },
      { key: `${k1}\n${k2}\n` },
      { key: k2, key_options: 'from="10.0.0.1",no-pty' },
      { key: k1, comment: "renamed" },
      { key: k2, state: "absent" },
      { key: `${k2}\n${k1}`, exclusive: true },
    ];
    for (const step of steps) {
      const a = await ansible("authorized_key", { user: "infra_t_ak_a", ...step }, { diff: true });
      const check = await run("authorized_key", { user: "infra_t_ak_b", ...step }, conn, {
        ...B,
        check: true,
        diff: true,
      });
      const before = await sh(HOST, `cat ${file("infra_t_ak_b")} 2>/dev/null; true`);
      expect(await sh(HOST, `cat ${file("infra_t_ak_b")} 2>/dev/null; true`)).toBe(before);
      const b = await run("authorized_key", { user: "infra_t_ak_b", ...step }, conn, { ...B, diff: true });
      expect([step, check.changed, b.changed]).toEqual([step, a.changed, a.changed]);
      expect(b.keyfile).toBe(file("infra_t_ak_b"));
      if (a.diff) expect((b.diff as { after: string }).after).toBe((a.diff as { after: string }).after);
      expect(await state("infra_t_ak_b")).toBe(await state("infra_t_ak_a"));
      const rt = conn.stats.roundTrips;
      expect((await run("authorized_key", { user: "infra_t_ak_b", ...step }, conn, B)).changed).toBe(false);
      expect(conn.stats.roundTrips - rt).toBe(1);
    }
  });

  it("fails as Ansible does", async () => {
    const k = (await sh(HOST, "cat /tmp/infra-kh-b/c1.pub")).trim();
    for (const args of [
      { user: "infra_t_nobody", key: k },
      { user: "infra_t_ak_b", key: "not a key" },
      { user: "infra_t_ak_b", key: k, state: "gone" },
    ]) {
      expect((await run("authorized_key", args, conn, B)).msg).toBe(
        (await ansible("authorized_key", args)).msg,
      );
    }
  });
});
