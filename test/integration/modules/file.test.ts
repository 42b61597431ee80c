import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { dictDiff } from "../../../src/modules/util/diff-text.js";
import type { FileDiff } from "../../../src/modules/types.js";
import { ansible, fileFields, hostState } from "./ansible-oracle.js";
import { connect, run, sh } from "./helpers.js";

const H = "mysql-1";
const ROOT = "/tmp/infra-modtest-file";
const OURS = `${ROOT}/infra`;
const THEIRS = `${ROOT}/ansible`;
let conn: SshConnection;

beforeAll(async () => {
  conn = await connect(H);
  await sh(H, `rm -rf ${ROOT} && mkdir -p ${OURS} ${THEIRS} && chmod 0777 ${ROOT} ${OURS} ${THEIRS}`);
});
afterAll(async () => {
  await sh(H, `rm -rf ${ROOT}`);
  await conn?.close();
});

interface Step {
  args: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  become?: boolean;
  /** Paths (relative to the scenario dir) whose host state is compared after the step. */
  look: string[];
}

/** Times a touch sets are "now" for both tools, never equal: compare that they are there, not their value. */
const maskTimes = (d: unknown) =>
  JSON.parse(JSON.stringify(d), (k, v) => (k === "atime" || k === "mtime" ? "T" : v));

const sub = (v: unknown, dir: string): unknown => (typeof v === "string" ? v.split("{D}").join(dir) : v);

/** Runs each step with infra under OURS/name and with ansible under THEIRS/name, and compares everything. */
async function compare(name: string, module: string, steps: Step[]): Promise<void> {
  const mine = `${OURS}/${name}`;
  const theirs = `${THEIRS}/${name}`;
  await sh(H, `mkdir -p ${mine} ${theirs} && chmod 0777 ${mine} ${theirs}`);
  for (const [i, step] of steps.entries()) {
    const a = Object.fromEntries(Object.entries(step.args).map(([k, v]) => [k, sub(v, mine)]));
    const b = Object.fromEntries(Object.entries(step.args).map(([k, v]) => [k, sub(v, theirs)]));
    const o = { check: step.check, diff: step.diff, become: step.become };
    const ours = await run(module, a, conn, o);
    const ref = await ansible(H, module, b, o);
    const label = `${name} step ${i + 1} ${JSON.stringify(step.args)}`;
    expect(fileFields(ours, mine), label).toEqual(fileFields(ref, theirs));
    if (ref.diff && !Array.isArray(ref.diff) && typeof (ref.diff as FileDiff).before === "object") {
      const expected = dictDiff(maskTimes(JSON.parse(JSON.stringify(ref.diff).split(theirs).join(mine))));
      const got = ours.diff as FileDiff;
      expect(
        dictDiff(maskTimes({ before: JSON.parse(got.before), after: JSON.parse(got.after) })),
        label,
      ).toEqual(expected);
    }
    for (const p of step.look) {
      const want = (await hostState(H, `${theirs}/${p}`)).split(theirs).join("<P>");
      expect((await hostState(H, `${mine}/${p}`)).split(mine).join("<P>"), `${label}: ${p}`).toBe(want);
    }
  }
}

describe("file, compared with ansible 2.14 on the same host", () => {
  it("directory: create with parents and mode, again, symbolic mode in check mode, recurse", async () => {
    await compare("dir", "file", [
      {
        args: { path: "{D}/a/b", state: "directory", mode: "0750" },
        become: true,
        diff: true,
        look: ["a", "a/b"],
      },
      { args: { path: "{D}/a/b", state: "directory", mode: "0750" }, become: true, look: ["a/b"] },
      {
        args: { path: "{D}/a", state: "directory", mode: "u=rwx,g=rx,o=" },
        check: true,
        diff: true,
        become: true,
        look: ["a"],
      },
      {
        args: { path: "{D}/a", state: "directory", owner: "ubuntu", group: "ubuntu", recurse: true },
        become: true,
        look: ["a", "a/b"],
      },
    ]);
  });

  it("touch, attributes on a file (YAML int mode, symbolic), and errors", async () => {
    await compare("f", "file", [
      { args: { path: "{D}/t", state: "touch", mode: 420 }, look: ["t"] },
      { args: { path: "{D}/t", mode: "g+w,o-r" }, diff: true, look: ["t"] },
      { args: { path: "{D}/t", state: "file", mode: "g+w,o-r" }, look: ["t"] },
      { args: { path: "{D}/missing", state: "file" }, look: ["missing"] },
      { args: { path: "{D}/t", state: "directory" }, look: ["t"] },
      { args: { path: "{D}/t", mode: "u=banana" }, look: ["t"] },
    ]);
  });

  it("symlinks and hard links: create, keep, retarget with force, refuse without", async () => {
    await sh(
      H,
      `for d in ${OURS} ${THEIRS}; do mkdir -p $d/l && echo x > $d/l/one && echo y > $d/l/two && chmod 0666 $d/l/*; done`,
    );
    await compare("l", "file", [
      { args: { path: "{D}/link", src: "one", state: "link" }, diff: true, look: ["link"] },
      { args: { path: "{D}/link", src: "one", state: "link" }, look: ["link"] },
      { args: { path: "{D}/link", src: "two", state: "link" }, diff: true, look: ["link"] },
      { args: { path: "{D}/link", src: "nothere", state: "link" }, look: ["link"] },
      { args: { path: "{D}/one", src: "two", state: "link" }, look: ["one"] },
      { args: { path: "{D}/hard", src: "{D}/two", state: "hard" }, look: ["hard", "two"] },
      { args: { path: "{D}/hard", src: "{D}/two", state: "hard" }, look: ["hard"] },
    ]);
  });

  it("absent: file, directory tree (diff lists its content), already absent", async () => {
    await sh(
      H,
      `for d in ${OURS} ${THEIRS}; do mkdir -p $d/x/tree/sub && touch $d/x/tree/f1 $d/x/tree/sub/f2 $d/x/file; done`,
    );
    await compare("x", "file", [
      { args: { path: "{D}/file", state: "absent" }, diff: true, look: ["file"] },
      { args: { path: "{D}/tree", state: "absent" }, check: true, diff: true, look: ["tree"] },
      { args: { path: "{D}/tree", state: "absent" }, diff: true, look: ["tree"] },
      { args: { path: "{D}/tree", state: "absent" }, diff: true, become: true, look: ["tree"] },
      { args: { path: "{D}/tree", state: "absent" }, become: true, look: ["tree"] },
    ]);
  });
});

describe("file, on its own", () => {
  it("reads the state in one round trip when nothing changes, two when something does", async () => {
    await sh(H, `mkdir -p ${ROOT}/rt && chmod 0755 ${ROOT}/rt`);
    let before = conn.stats.roundTrips;
    const same = await run("file", { path: `${ROOT}/rt`, state: "directory", mode: "0755" }, conn, {
      become: true,
    });
    expect(same.changed).toBe(false);
    expect(conn.stats.roundTrips - before).toBe(1);
    before = conn.stats.roundTrips;
    const changed = await run("file", { path: `${ROOT}/rt`, state: "directory", mode: "0700" }, conn, {
      become: true,
    });
    expect(changed).toMatchObject({ changed: true, mode: "0700" });
    expect(conn.stats.roundTrips - before).toBe(2);
  });

  it("check mode changes nothing", async () => {
    const r = await run("file", { path: `${ROOT}/never/deep`, state: "directory" }, conn, { check: true });
    expect(r.changed).toBe(true);
    expect(await hostState(H, `${ROOT}/never`)).toBe("absent\n");
  });

  it("quotes hostile paths", async () => {
    const evil = `${ROOT}/it's $(touch pwned) \`touch pwned\`; * "x"`;
    const r = await run("file", { path: evil, state: "touch" }, conn);
    expect(r.changed).toBe(true);
    expect(await sh(H, `ls -A ${ROOT} ~ubuntu | grep -c '^pwned' || true`)).toBe("0\n");
    expect(await hostState(H, evil.replace(/'/g, "'\\''"))).toMatch(
      /^regular empty file 644 ubuntu ubuntu 0/,
    );
  });

  it("rejects bad arguments with Ansible's messages", async () => {
    expect((await run("file", { path: "/tmp/x", state: "folder" }, conn)).msg).toBe(
      "value of state must be one of: absent, directory, file, hard, link, touch, got: folder",
    );
    expect((await run("file", { state: "touch" }, conn)).msg).toBe("missing required arguments: path");
    expect((await run("file", { path: "/tmp/x", src: "/etc", state: "directory" }, conn)).msg).toBe(
      "src option requires state to be 'link' or 'hard'",
    );
  });
});
