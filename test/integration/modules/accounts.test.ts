/**
 * group and user against a lab host: change, no change (one round trip), check mode, diff, bad arguments, and a
 * differential run against Debian's ansible on twin names (infra_t_user_a* by Ansible, infra_t_user_b* by us).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible as oracle } from "./ansible-oracle.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "backup";
let conn: SshConnection;
const B = { become: true };
// A SHA-512 crypt hash of "secret" (never a cleartext password in a test).
const HASH =
  "$6$saltsalt$qtbH0Xw4rwm3eSkeWaaA35Ihfc6nK.wDyqk2rnwEFWnMfkM8a.ii4IcbnEHxxd2sTfNXa8jw9oj7wfm8TPMza/";
const HASH2 =
  "$6$othersalt$Wv2g6TAVnCzpdGj.TTtQrjXcK0W9fAiF4yY4rJ2KY7Vg/cYDGO1lW9l6Y0wHWmLEmD1ZsvdPjz5XxtgK1bUiJ.";

async function cleanup() {
  await sh(
    HOST,
    `for u in infra_t_user_a infra_t_user_b infra_t_user_c; do userdel -r $u 2>/dev/null; done; ` +
      `for g in infra_t_group_a infra_t_group_b infra_t_grp_x infra_t_grp_y; do groupdel $g 2>/dev/null; done; rm -rf /tmp/infra-user-*; true`,
  );
}

const ansible = (module: string, args: Record<string, unknown>) =>
  oracle(HOST, module, args, { become: true });

beforeAll(async () => {
  conn = await connect(HOST);
  await cleanup();
});
afterAll(async () => {
  await cleanup();
  await conn.close();
});

describe("group", () => {
  it("creates, keeps, changes the gid, removes", async () => {
    const check = await run("group", { name: "infra_t_group_b", gid: 45001 }, conn, { ...B, check: true });
    expect(check).toEqual({ changed: true });
    expect(await sh(HOST, "getent group infra_t_group_b || echo none")).toBe("none\n");

    const made = await run("group", { name: "infra_t_group_b", gid: 45001, system: true }, conn, B);
    expect(made).toMatchObject({
      changed: true,
      name: "infra_t_group_b",
      state: "present",
      gid: 45001,
      system: true,
    });
    const before = conn.stats.roundTrips;
    const again = await run("group", { name: "infra_t_group_b", gid: 45001 }, conn, B);
    expect(again).toMatchObject({ changed: false, gid: 45001 });
    expect(conn.stats.roundTrips - before).toBe(1);

    const moved = await run("group", { name: "infra_t_group_b", gid: 45002 }, conn, B);
    expect(moved).toMatchObject({ changed: true, gid: 45002 });
    const gone = await run("group", { name: "infra_t_group_b", state: "absent" }, conn, B);
    expect(gone).toEqual({ changed: true, name: "infra_t_group_b", state: "absent" });
    expect(await run("group", { name: "infra_t_group_b", state: "absent" }, conn, B)).toEqual({
      changed: false,
      name: "infra_t_group_b",
      state: "absent",
    });
  });

  it("diff mode shows the group appearing, its gid moving and the group going; no diff without a change", async () => {
    const D = { ...B, diff: true };
    const planned = await run("group", { name: "infra_t_group_b", gid: 45003 }, conn, { ...D, check: true });
    expect(planned.diff).toEqual({
      before: '{\n    "name": "infra_t_group_b",\n    "state": "absent"\n}\n',
      after:
        '{\n    "gid": 45003,\n    "members": [],\n    "name": "infra_t_group_b",\n    "state": "present"\n}\n',
    });
    const made = await run("group", { name: "infra_t_group_b", gid: 45003 }, conn, D);
    expect(made.diff).toEqual(planned.diff);
    const same = await run("group", { name: "infra_t_group_b", gid: 45003 }, conn, D);
    expect(same).toMatchObject({ changed: false });
    expect(same.diff).toBeUndefined();
    const moved = await run("group", { name: "infra_t_group_b", gid: 45004 }, conn, { ...D, check: true });
    expect((moved.diff as { before: string }).before).toContain('"gid": 45003');
    expect((moved.diff as { after: string }).after).toContain('"gid": 45004');
    expect(await sh(HOST, "getent group infra_t_group_b | cut -d: -f3")).toBe("45003\n");
    const gone = await run("group", { name: "infra_t_group_b", state: "absent" }, conn, D);
    expect((gone.diff as { after: string }).after).toBe(
      '{\n    "name": "infra_t_group_b",\n    "state": "absent"\n}\n',
    );
    expect(await sh(HOST, "getent group infra_t_group_b || echo none")).toBe("none\n");
  });

  it("rejects bad arguments as Ansible does", async () => {
    // Ansible writes Python's "True"; args.ts's shared required_if message prints "true" (reported, not ours to edit).
    expect((await run("group", { name: "x", non_unique: true }, conn, B)).msg).toMatch(
      /^non_unique is [Tt]rue but all of the following are missing: gid$/,
    );
    expect((await run("group", { name: "x", state: "gone" }, conn, B)).msg).toBe(
      "value of state must be one of: absent, present, got: gone",
    );
  });

  it("matches ansible's results", async () => {
    for (const [mine, theirs] of [["infra_t_group_b", "infra_t_group_a"]] as const) {
      const a = await ansible("group", { name: theirs, gid: 45011 });
      const b = await run("group", { name: mine, gid: 45012 }, conn, B);
      expect(b.changed).toBe(a.changed);
      expect(Object.keys(b).sort()).toEqual(
        Object.keys(a)
          .filter((k) => !k.startsWith("_") && k !== "invocation" && k !== "action")
          .sort(),
      );
    }
  });
});

describe("user", () => {
  it("creates a user with groups, a hash and an ed25519 key; then no change in one round trip", async () => {
    await sh(HOST, "groupadd infra_t_grp_x; groupadd infra_t_grp_y");
    const args = {
      name: "infra_t_user_b",
      groups: ["infra_t_grp_x", "infra_t_grp_y"],
      shell: "/bin/bash",
      password: HASH,
      generate_ssh_key: true,
      ssh_key_type: "ed25519",
      comment: "Infra test",
    };
    const check = await run("user", args, conn, { ...B, check: true, diff: true });
    expect(check.changed).toBe(true);
    expect(await sh(HOST, "getent passwd infra_t_user_b || echo none")).toBe("none\n");

    const made = await run("user", args, conn, { ...B, diff: true });
    expect(made).toMatchObject({
      changed: true,
      name: "infra_t_user_b",
      state: "present",
      home: "/home/infra_t_user_b",
      shell: "/bin/bash",
      comment: "Infra test",
      create_home: true,
      system: false,
      password: "NOT_LOGGING_PASSWORD",
      groups: "infra_t_grp_x,infra_t_grp_y",
      ssh_key_file: "/home/infra_t_user_b/.ssh/id_ed25519",
    });
    expect(made.ssh_public_key).toMatch(/^ssh-ed25519 AAAA\S+ ansible-generated on /);
    expect(made.ssh_fingerprint).toMatch(/^256 SHA256:\S+ ansible-generated on .* \(ED25519\)$/);
    expect(await sh(HOST, "getent shadow infra_t_user_b | cut -d: -f2")).toBe(`${HASH}\n`);
    expect(await sh(HOST, "id -Gn infra_t_user_b")).toBe("infra_t_user_b infra_t_grp_x infra_t_grp_y\n");
    expect(
      await sh(HOST, "stat -c '%U %a' /home/infra_t_user_b/.ssh /home/infra_t_user_b/.ssh/id_ed25519"),
    ).toBe("infra_t_user_b 700\ninfra_t_user_b 600\n");

    const before = conn.stats.roundTrips;
    const again = await run("user", args, conn, B);
    expect(again.changed).toBe(false);
    expect(again.ssh_public_key).toBe(made.ssh_public_key);
    expect(conn.stats.roundTrips - before).toBe(1);
  });

  it("changes the shell and password, with a diff that hides the hash, and check mode leaves it alone", async () => {
    const args = { name: "infra_t_user_b", shell: "/bin/sh", password: HASH2 };
    const check = await run("user", args, conn, { ...B, check: true, diff: true });
    expect(check.changed).toBe(true);
    expect(await sh(HOST, "getent passwd infra_t_user_b | cut -d: -f7")).toBe("/bin/bash\n");
    const diff = check.diff as { before: string; after: string };
    expect(diff.before).toContain('"shell": "/bin/bash"');
    expect(diff.after).toContain('"shell": "/bin/sh"');
    expect(JSON.stringify(check)).not.toContain("othersalt");

    const changed = await run("user", args, conn, B);
    expect(changed).toMatchObject({ changed: true, shell: "/bin/sh", append: false, move_home: false });
    expect(await sh(HOST, "getent shadow infra_t_user_b | cut -d: -f2")).toBe(`${HASH2}\n`);
    const onCreate = await run(
      "user",
      { name: "infra_t_user_b", password: HASH, update_password: "on_create" },
      conn,
      B,
    );
    expect(onCreate.changed).toBe(false);
  });

  it("removes groups unless append, removes the user", async () => {
    const r = await run("user", { name: "infra_t_user_b", groups: ["infra_t_grp_x"] }, conn, B);
    expect(r.changed).toBe(true);
    expect(await sh(HOST, "id -Gn infra_t_user_b")).toBe("infra_t_user_b infra_t_grp_x\n");
    const ap = await run(
      "user",
      { name: "infra_t_user_b", groups: ["infra_t_grp_x"], append: true },
      conn,
      B,
    );
    expect(ap.changed).toBe(false);
    const gone = await run("user", { name: "infra_t_user_b", state: "absent", remove: true }, conn, B);
    expect(gone).toMatchObject({
      changed: true,
      force: false,
      remove: true,
      name: "infra_t_user_b",
      state: "absent",
    });
    expect(await sh(HOST, "ls -d /home/infra_t_user_b 2>/dev/null || echo none")).toBe("none\n");
  });

  it("fails as Ansible does", async () => {
    expect((await run("user", { name: "infra_t_user_c", group: "no_such_group_x" }, conn, B)).msg).toBe(
      "Group no_such_group_x does not exist",
    );
    expect((await run("user", { name: "infra_t_user_c", uid: "abc" }, conn, B)).msg).toMatch(
      /^argument 'uid' is of type <class 'str'>/,
    );
  });

  it("leaves the same state as ansible's user module", async () => {
    await sh(HOST, "getent group infra_t_grp_x || groupadd infra_t_grp_x");
    const common = {
      groups: ["infra_t_grp_x"],
      shell: "/bin/bash",
      password: HASH,
      generate_ssh_key: true,
      ssh_key_type: "ed25519",
      comment: "twin",
    };
    const a = await ansible("user", { name: "infra_t_user_a", ...common });
    const b = await run("user", { name: "infra_t_user_b", ...common }, conn, B);
    expect(b.changed).toBe(a.changed);
    const skip = new Set([
      "action",
      "invocation",
      "uid",
      "group",
      "name",
      "home",
      "ssh_key_file",
      "ssh_public_key",
      "ssh_fingerprint",
    ]);
    for (const [k, v] of Object.entries(a))
      if (!skip.has(k) && !k.startsWith("_")) expect([k, b[k]]).toEqual([k, v]);
    const state = (u: string) =>
      sh(
        HOST,
        `getent passwd ${u} | cut -d: -f5-7 | sed 's/${u}/U/g'; getent shadow ${u} | cut -d: -f2,4-; id -Gn ${u} | sed 's/${u}/U/g'; ` +
          `cd /home/${u} && find . -printf '%p %u %g %m\\n' | sed 's/${u}/U/g' | sort`,
      );
    expect(await state("infra_t_user_b")).toBe(await state("infra_t_user_a"));
    const a2 = await ansible("user", { name: "infra_t_user_a", ...common });
    const b2 = await run("user", { name: "infra_t_user_b", ...common }, conn, B);
    expect([b2.changed, a2.changed]).toEqual([false, false]);
  });
});
