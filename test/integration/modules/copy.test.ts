import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import type { FileDiff } from "../../../src/modules/types.js";
import { ansible, fileFields, hostState } from "./ansible-oracle.js";
import { connect, run, sh, type CtxOptions } from "./helpers.js";

const H = "mysql-1";
const ROOT = "/tmp/infra-modtest-copy";
let conn: SshConnection;
const local = mkdtempSync(join(tmpdir(), "infra-copy-"));

beforeAll(async () => {
  conn = await connect(H);
  await sh(H, `rm -rf ${ROOT} && mkdir -p ${ROOT}/infra/d ${ROOT}/ansible/d && chmod -R 0777 ${ROOT}`);
  writeFileSync(join(local, "motd.txt"), "hello from a file\n");
});
afterAll(async () => {
  await sh(H, `rm -rf ${ROOT}`);
  await conn?.close();
});

interface Step {
  args: Record<string, unknown>;
  opts?: CtxOptions;
  look: string[];
}

/** Same steps with infra (ROOT/infra) and ansible (ROOT/ansible); results, diffs and host state must agree. */
async function compare(module: string, steps: Step[]): Promise<void> {
  const mine = `${ROOT}/infra`;
  const theirs = `${ROOT}/ansible`;
  for (const [i, step] of steps.entries()) {
    const fill = (dir: string) =>
      Object.fromEntries(
        Object.entries(step.args).map(([k, v]) => [k, typeof v === "string" ? v.split("{D}").join(dir) : v]),
      );
    const ours = await run(module, fill(mine), conn, step.opts);
    const ref = await ansible(H, module, fill(theirs), { ...step.opts });
    const label = `${module} step ${i + 1} ${JSON.stringify(step.args)}`;
    const norm = (r: Record<string, unknown>, dir: string) => {
      const f = fileFields(r, dir);
      // Ansible names the remote temp copy of the source; infra has none.
      if (typeof f.msg === "string") f.msg = f.msg.replace(/\/[^ ]*\/\.ansible\/tmp\/[^ ]*/g, "<tmp>");
      return f;
    };
    expect(norm(ours, mine), label).toEqual(norm(ref, theirs));
    expect(typeof ours.backup_file, label).toBe(typeof ref.backup_file);
    const refDiffs = (Array.isArray(ref.diff) ? ref.diff : ref.diff ? [ref.diff] : []) as FileDiff[];
    const textDiffs = refDiffs.filter((d) => typeof d.before === "string" && ("after" in d || "before" in d));
    if (step.opts?.diff && textDiffs.length) {
      const got = (Array.isArray(ours.diff) ? ours.diff : [ours.diff]) as FileDiff[];
      expect(got[0]!.before, label).toBe(textDiffs[0]!.before);
      expect(got[0]!.after, label).toBe(textDiffs[0]!.after);
      expect(got[0]!.before_header?.split(mine).join("<P>"), label).toBe(
        textDiffs[0]!.before_header?.split(theirs).join("<P>"),
      );
    }
    for (const p of step.look) {
      const want = (await hostState(H, `${theirs}/${p}`)).split(theirs).join("<P>");
      expect((await hostState(H, `${mine}/${p}`)).split(mine).join("<P>"), `${label}: ${p}`).toBe(want);
    }
  }
}

describe("copy, compared with ansible 2.14", () => {
  it("content: create, no change, diff, check mode, attributes only", async () => {
    await compare("copy", [
      {
        args: { content: "one\ntwo\n", dest: "{D}/c.txt", mode: "0640" },
        opts: { diff: true },
        look: ["c.txt"],
      },
      { args: { content: "one\ntwo\n", dest: "{D}/c.txt", mode: "0640" }, look: ["c.txt"] },
      {
        args: { content: "one\nthree\n", dest: "{D}/c.txt" },
        opts: { diff: true, check: true },
        look: ["c.txt"],
      },
      {
        args: { content: "one\ntwo\n", dest: "{D}/c.txt", mode: "u=rw,g=r,o=r" },
        opts: { diff: true },
        look: ["c.txt"],
      },
    ]);
  });

  it("backup and validate", async () => {
    await compare("copy", [
      {
        args: { content: "new\n", dest: "{D}/c.txt", backup: true, owner: "ubuntu" },
        opts: { become: true },
        look: ["c.txt"],
      },
      { args: { content: "bad\n", dest: "{D}/c.txt", validate: "grep -q good %s" }, look: ["c.txt"] },
      { args: { content: "good\n", dest: "{D}/c.txt", validate: "grep -q good %s" }, look: ["c.txt"] },
    ]);
  });

  it("a controller file into a directory dest, content refused for one, force: false", async () => {
    await compare("copy", [
      { args: { src: join(local, "motd.txt"), dest: "{D}/d" }, opts: { diff: true }, look: ["d/motd.txt"] },
      { args: { src: join(local, "motd.txt"), dest: "{D}/d/" }, look: ["d/motd.txt"] },
      { args: { content: "x", dest: "{D}/d" }, look: ["d"] },
      { args: { content: "x", dest: "{D}/c.txt", force: false }, look: ["c.txt"] },
    ]);
  });

  it("rejects bad arguments", async () => {
    const r = await run("copy", { content: "x", src: "/etc/hosts", dest: "/tmp/x" }, conn);
    expect(r).toMatchObject({ failed: true, msg: "parameters are mutually exclusive: src|content" });
    expect((await run("copy", { content: "x" }, conn)).msg).toBe("missing required arguments: dest");
  });

  it("costs one round trip when nothing changes", async () => {
    await run("copy", { content: "same\n", dest: `${ROOT}/rt.txt` }, conn);
    const before = conn.stats.roundTrips;
    expect((await run("copy", { content: "same\n", dest: `${ROOT}/rt.txt` }, conn)).changed).toBe(false);
    expect(conn.stats.roundTrips - before).toBe(1);
  });
});

describe("template, compared with ansible 2.14", () => {
  it("renders with trim_blocks and kept trailing newlines, then writes like copy", async () => {
    const src = join(local, "app.conf.j2");
    writeFileSync(
      src,
      "# {{ ansible_managed }}\n{% for u in users %}\nuser {{ u.name }} = {{ u.id * 2 }}\n{% endfor %}\n{% if debug %}debug on{% endif %}\n\n\n",
    );
    const vars = {
      users: [
        { name: "ann", id: 1 },
        { name: "bob", id: 21 },
      ],
      debug: true,
    };
    await compare("template", [
      { args: { src, dest: "{D}/app.conf", mode: "0600" }, opts: { vars, diff: true }, look: ["app.conf"] },
      { args: { src, dest: "{D}/app.conf", mode: "0600" }, opts: { vars }, look: ["app.conf"] },
      {
        args: { src, dest: "{D}/app.conf", lstrip_blocks: true, newline_sequence: "\\r\\n" },
        opts: { vars, diff: true },
        look: ["app.conf"],
      },
    ]);
  });

  it("fails on an undefined variable and writes nothing", async () => {
    const src = join(local, "bad.j2");
    writeFileSync(src, "{{ nope }}\n");
    const r = await run("template", { src, dest: `${ROOT}/bad.conf` }, conn);
    expect(r).toMatchObject({ failed: true });
    expect(String(r.msg)).toMatch(/^AnsibleUndefinedVariable: 'nope' is undefined/);
    expect(await hostState(H, `${ROOT}/bad.conf`)).toBe("absent\n");
  });
});
