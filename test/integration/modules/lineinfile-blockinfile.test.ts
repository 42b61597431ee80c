/**
 * lineinfile and blockinfile against a lab host, each case run by Debian's ansible on /tmp/infra-lif-a* and by infra
 * on the twin /tmp/infra-lif-b*: same content, mode and owner afterwards, same `changed` and `msg`; then a second
 * run (no change, one round trip), check mode, diff mode and bad arguments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible } from "./ansible-oracle.js";
import { ansibleBatch } from "./ansible-batch.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "backup";
let conn: SshConnection;
const B = { become: true };

beforeAll(async () => {
  conn = await connect(HOST);
  await sh(HOST, "rm -rf /tmp/infra-lif-*");
});
afterAll(async () => {
  await sh(HOST, "rm -rf /tmp/infra-lif-*");
  await conn.close();
});

const seedCmd = (path: string, content: string | null) =>
  content === null
    ? `rm -f ${path}`
    : `printf '%s' '${Buffer.from(content).toString("base64")}' | base64 -d > ${path}; chmod 0644 ${path}`;
const seed = (path: string, content: string | null) => sh(HOST, seedCmd(path, content));
const stateCmd = (path: string) =>
  `if [ -e ${path} ]; then stat -c '%a %U %G' ${path}; base64 -w0 < ${path}; echo; else echo absent; fi`;
const state = (path: string) => sh(HOST, stateCmd(path));
/** The state of many paths in one ssh call, one entry each. */
async function states(list: string[]): Promise<string[]> {
  const out = await sh(HOST, list.map((p) => `${stateCmd(p)}; echo @@`).join("; "));
  return out.split("@@\n").slice(0, list.length);
}

interface Case {
  name: string;
  content: string | null;
  args: Record<string, unknown>;
}

async function differential(module: string, cases: Case[]) {
  const a = (i: number) => `/tmp/infra-lif-a-${module}-${i}`;
  const b = (i: number) => `/tmp/infra-lif-b-${module}-${i}`;
  await sh(HOST, cases.flatMap((c, i) => [seedCmd(a(i), c.content), seedCmd(b(i), c.content)]).join("; "));
  const tasks = cases.map((c, i) => ({ module, args: { ...c.args, path: a(i) } }));
  const theirs = await ansibleBatch(HOST, tasks);
  const sa = await states(cases.map((_, i) => a(i)));
  const theirsAgain = await ansibleBatch(HOST, tasks);
  const norm = (r: Record<string, unknown>, p: string) => ({
    changed: r.changed,
    failed: r.failed ?? false,
    msg: typeof r.msg === "string" ? r.msg.split(p).join("<P>") : r.msg,
  });
  const ours = [];
  for (const [i, c] of cases.entries()) ours.push(await run(module, { ...c.args, path: b(i) }, conn, B));
  const sb = await states(cases.map((_, i) => b(i)));
  for (const [i, c] of cases.entries()) {
    expect(norm(ours[i]!, b(i)), c.name).toEqual(norm(theirs[i]!, a(i)));
    expect(sb[i], c.name).toBe(sa[i]);
    if (ours[i]!.failed) continue;
    const before = conn.stats.roundTrips;
    const again = await run(module, { ...c.args, path: b(i) }, conn, B);
    expect(again.changed, `${c.name} (again)`).toBe(theirsAgain[i]!.changed);
    if (!again.changed) expect(conn.stats.roundTrips - before, c.name).toBe(1);
  }
}

const FILE = "# comment\nPort 22\n#PermitRootLogin yes\nListenAddress 0.0.0.0\n";

describe("lineinfile", () => {
  it("matches ansible on the common forms", { timeout: 600_000 }, async () => {
    await differential("lineinfile", [
      {
        name: "replace by regexp",
        content: FILE,
        args: { regexp: "^#?PermitRootLogin", line: "PermitRootLogin no" },
      },
      { name: "append at EOF", content: FILE, args: { line: "UseDNS no" } },
      { name: "no final newline", content: "a\nb", args: { line: "c" } },
      { name: "insertafter regex", content: FILE, args: { line: "Port 2222", insertafter: "^Port" } },
      { name: "insertbefore BOF", content: FILE, args: { line: "# top", insertbefore: "BOF" } },
      { name: "insertbefore regex", content: FILE, args: { line: "X=1", insertbefore: "^ListenAddress" } },
      { name: "firstmatch", content: "a=1\na=2\n", args: { regexp: "^a=", line: "a=3", firstmatch: true } },
      {
        name: "backrefs",
        content: "port=80\n",
        args: { regexp: "^port=(\\d+)$", line: "port=\\g<1>0", backrefs: true },
      },
      {
        name: "backrefs no match",
        content: "x\n",
        args: { regexp: "^port=(\\d+)$", line: "p=\\1", backrefs: true },
      },
      {
        name: "search_string",
        content: FILE,
        args: { search_string: "ListenAddress", line: "ListenAddress ::" },
      },
      { name: "absent by regexp", content: FILE, args: { regexp: "^#", state: "absent" } },
      { name: "absent by line", content: FILE, args: { line: "Port 22", state: "absent" } },
      { name: "create", content: null, args: { line: "hello", create: true, mode: "0600" } },
      { name: "missing file", content: null, args: { line: "hello" } },
      { name: "mode only", content: FILE, args: { line: "Port 22", mode: "0640", owner: "nobody" } },
      {
        name: "dollar before newline",
        content: "key = value\n",
        args: { regexp: "^key = .*$", line: "key = other" },
      },
    ]);
  });

  it("check mode leaves the file alone; diff shows before and after", async () => {
    const p = "/tmp/infra-lif-check";
    await seed(p, FILE);
    const r = await run("lineinfile", { path: p, line: "New 1" }, conn, { ...B, check: true, diff: true });
    expect(r).toMatchObject({ changed: true, msg: "line added" });
    const diff = (r.diff as { before: string; after: string; before_header: string }[])[0]!;
    expect(diff).toMatchObject({ before: FILE, after: `${FILE}New 1\n`, before_header: `${p} (content)` });
    expect(await state(p)).toBe(`644 root root\n${Buffer.from(FILE).toString("base64")}\n`);
  });

  it("backup, validate and bad arguments as Ansible words them", async () => {
    const p = "/tmp/infra-lif-bk";
    await seed(p, FILE);
    const r = await run("lineinfile", { path: p, line: "Z", backup: true }, conn, B);
    expect(r.backup).toMatch(/^\/tmp\/infra-lif-bk\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(await sh(HOST, `cat '${r.backup as string}'`)).toBe(FILE);
    const bad = await run("lineinfile", { path: p, line: "Y", validate: "false %s" }, conn, B);
    expect(bad).toMatchObject({ failed: true, msg: "failed to validate: rc:1 error:" });
    const both = { path: p, line: "x", insertafter: "a", insertbefore: "b" };
    const ours = await run("lineinfile", both, conn, B);
    const theirs = await ansible(HOST, "lineinfile", both, { become: true });
    expect(ours.msg).toBe(theirs.msg);
  });
});

describe("blockinfile", () => {
  it("matches ansible on the common forms", { timeout: 600_000 }, async () => {
    await differential("blockinfile", [
      { name: "insert at EOF", content: FILE, args: { block: "a\nb" } },
      { name: "create", content: null, args: { block: "x=1", create: true } },
      { name: "insertafter", content: FILE, args: { block: "k v", insertafter: "^Port" } },
      { name: "insertbefore BOF", content: FILE, args: { block: "top", insertbefore: "BOF" } },
      {
        name: "custom marker",
        content: FILE,
        args: { block: "m", marker: "// {mark} managed", marker_begin: "start", marker_end: "stop" },
      },
      {
        name: "replace existing block",
        content: `x\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\ny\n`,
        args: { block: "new" },
      },
      {
        name: "remove block",
        content: `x\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\ny\n`,
        args: { state: "absent" },
      },
      { name: "no final newline", content: "a", args: { block: "b" } },
      { name: "missing", content: null, args: { block: "b" } },
    ]);
  });

  it("diff mode and check mode", async () => {
    const p = "/tmp/infra-lif-blk-check";
    await seed(p, "a\n");
    const r = await run("blockinfile", { path: p, block: "b" }, conn, { ...B, check: true, diff: true });
    expect(r).toMatchObject({ changed: true, msg: "Block inserted" });
    expect((r.diff as { after: string }[])[0]!.after).toBe(
      "a\n# BEGIN ANSIBLE MANAGED BLOCK\nb\n# END ANSIBLE MANAGED BLOCK\n",
    );
    expect(await sh(HOST, `cat ${p}`)).toBe("a\n");
  });
});
