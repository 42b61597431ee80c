/**
 * The probe's shell functions on a real host: link targets and real paths come back exactly, whether they travel
 * plain (`=<path>`) or as hex (spaces, a trailing newline, non-ASCII), and `id` gives the probe's uid and gid.
 * The same questions asked as Python inside the operation helper print the shell's lines byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodePath,
  parseStatLine,
  Probe,
  PROBE_FUNCTIONS,
  ProbeAnswers,
} from "../../../src/modules/util/probe.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { sshRun } from "../lab-helpers.js";
import { connect, ROOT, sh } from "./helpers.js";

const DIR = "/tmp/infra-probe-test";
const NAMES: Record<string, string> = {
  l1: `${DIR}/a b`,
  l2: `${DIR}/plain`,
  l3: `${DIR}/nl\n`,
  l4: `${DIR}/ünï`,
};

describe("probe functions", () => {
  it("bring back targets and real paths byte for byte, plain or hex", async () => {
    const setup = [
      `rm -rf ${DIR}; mkdir -p '${DIR}/a b' ${DIR}/plain ${DIR}/ünï`,
      `nl="$(printf 'x\\ny')"; nl="\${nl#x}"; nl="\${nl%y}"; mkdir "${DIR}/nl$nl"; ln -s "${DIR}/nl$nl" ${DIR}/l3`,
      `ln -s '${DIR}/a b' ${DIR}/l1; ln -s plain ${DIR}/l2; ln -s ${DIR}/ünï ${DIR}/l4`,
    ];
    const asks = Object.keys(NAMES).flatMap((n) => [
      `_s ${DIR}/${n}`,
      `_f ${DIR}/${n}`,
      `_r ${DIR}/${n}; echo`,
    ]);
    const script = [PROBE_FUNCTIONS, ...setup, ...asks, "id", `rm -rf ${DIR}`].join("\n");
    const r = await sshRun("mysql-1", "sh", "ubuntu", script + "\n");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    Object.entries(NAMES).forEach(([link, real], k) => {
      const [l, f, p] = lines.slice(3 * k, 3 * k + 3);
      expect(parseStatLine(l!)).toMatchObject({ kind: "link", target: link === "l2" ? "plain" : real });
      expect(parseStatLine(f!)).toMatchObject({ kind: "directory", target: real });
      expect(decodePath(p!)).toBe(real);
      // Plain paths skip od and tr; the others must still be hex.
      expect(p!.startsWith("=")).toBe(/^[\w/.+@:,=-]+$/.test(real));
    });
    expect(new ProbeAnswers([lines[12]!]).me(0)).toEqual({ uid: 1000, gid: 1000 });
  });

  it("_sf answers exactly what _s and _f answer, for every kind of path", async () => {
    const setup = [
      `rm -rf ${DIR}; mkdir -p ${DIR}/real/sub '${DIR}/a b' ${DIR}/closed; echo x > ${DIR}/real/f`,
      `ln -s real ${DIR}/via; ln -s real/f ${DIR}/flink; ln -s nowhere ${DIR}/dangling; mkfifo ${DIR}/fifo`,
      `nl="$(printf 'x\\ny')"; nl="\${nl#x}"; nl="\${nl%y}"; mkdir "${DIR}/nl$nl"`,
      `sudo chown root:root ${DIR}/closed; sudo chmod 700 ${DIR}/closed`,
    ];
    const paths = [
      "real",
      "real/",
      "real/f",
      "real/sub",
      "via",
      "via/sub",
      "via/f",
      "flink",
      "dangling",
      "missing",
      "fifo",
      "a b",
      "nl\n",
      "closed",
      "real/../via",
      "/",
      "/tmp",
    ].map((p) => (p.startsWith("/") ? p : `${DIR}/${p}`));
    const script = [
      PROBE_FUNCTIONS,
      ...setup,
      // Read every link once first: the first readlink after creation moves its atime (relatime).
      ...paths.map((p) => `p='${p}'; _f "$p" >/dev/null`),
      ...paths.map((p) => `p='${p}'; _s "$p"; _f "$p"; _sf "$p"`),
      `sudo rm -rf ${DIR}`,
    ].join("\n");
    const r = await sshRun("mysql-1", "sh", "ubuntu", script + "\n");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    paths.forEach((p, k) => {
      const [s, f, sl, sf] = lines.slice(4 * k, 4 * k + 4);
      expect([sl, sf], p).toEqual([s, f]);
    });
    expect(parseStatLine(lines[4 * paths.indexOf(`${DIR}/via/sub`) + 3]!)).toMatchObject({
      kind: "directory",
      target: `${DIR}/real/sub`,
    });
  });
});

describe("the probe under Python (inside the operation helper)", () => {
  const D = "/tmp/infra-probe-py";
  const setup = [
    `rm -rf ${D}; mkdir -p ${D}/real/sub '${D}/a b' ${D}/closed ${D}/empty ${D}/ünï`,
    `echo x > ${D}/real/f; printf 'two\\nlines' > '${D}/a b/t'; : > ${D}/zero; echo s > ${D}/closed/secret`,
    `ln -s real ${D}/via; ln -s real/f ${D}/flink; ln -s nowhere ${D}/dangling; ln -s /nope/x ${D}/deep`,
    `mkfifo ${D}/fifo; echo o > ${D}/orphan; chown 4242:4343 ${D}/orphan; chmod 4755 ${D}/real/f`,
    `nl="$(printf 'x\\ny')"; nl="\${nl#x}"; nl="\${nl%y}"; mkdir "${D}/nl$nl"`,
    `chmod 700 ${D}/closed; chmod 600 ${D}/closed/secret; touch -d '1960-01-01 00:00:00.25' ${D}/zero`,
  ].join("\n");
  const names = [
    "real",
    "real/",
    "real/f",
    "real/sub",
    "via",
    "via/f",
    "flink",
    "dangling",
    "deep",
    "missing",
  ]
    .concat(["fifo", "a b", "a b/t", "nl\n", "ünï", "closed", "closed/secret", "empty", "zero", "orphan"])
    .concat(["real/../via", "missing/x", "zero/x"])
    .map((p) => `${D}/${p}`)
    .concat(["/", "/tmp", "/etc/shadow", "relative/x", "", "~", "~/", "~/.bashrc", "~root/x", "a~/b"]);

  /** Every kind of question, over every path; raw lines among them. */
  function everyQuestion(): Probe {
    const p = new Probe();
    p.umask();
    p.me();
    p.line("echo raw one");
    for (const path of names) {
      p.stat(path);
      p.stat(path, true);
      p.stats(path);
      p.sha1(path);
      p.realPath(path);
      p.dirHasEntries(path);
      p.isDir(path);
    }
    for (const path of names.filter((n) => !n.includes("secret") && !n.includes("shadow"))) p.base64(path);
    for (const id of ["root", "ubuntu", "backup", "0", "4242", "no-such-one", "", "a b"]) {
      p.uid(id);
      p.gid(id);
    }
    p.line(`printf 'raw %s\\n' "$(_enc '${D}/a b')"`);
    return p;
  }

  let conn: SshConnection;
  beforeAll(async () => {
    conn = await connect("mysql-1");
    await sh("mysql-1", setup);
  });
  afterAll(async () => {
    await sh("mysql-1", `rm -rf ${D}`);
    await conn.close();
  });

  for (const become of [undefined, ROOT]) {
    it(`prints exactly the shell's lines (${become ? "as root" : "as the login user"})`, async () => {
      const probe = everyQuestion();
      // Once through the shell first: the first read of a file or link moves its atime (relatime).
      await conn.exec(probe.script(), { become });
      const py = await conn.python(probe.program(), { become });
      const shell = await conn.exec(probe.script(), { become });
      expect(py, "a helper runs on the lab hosts").toBeDefined();
      expect(py!.stderr).toBe("");
      expect(shell.rc).toBe(0);
      expect(py!.rc).toBe(0);
      const [a, b] = [py!.stdout.split("\n"), shell.stdout.split("\n")];
      a.forEach((line, i) => expect(line, `answer ${i}`).toBe(b[i]));
      expect(a.length).toBe(b.length);
    });
  }

  it("fails the probe where the shell fails it: an unreadable file's content", async () => {
    const probe = new Probe();
    probe.base64(`${D}/closed/secret`);
    probe.base64("/etc/shadow");
    const py = await conn.python(probe.program());
    const shell = await conn.exec(probe.script());
    expect(shell.rc).not.toBe(0);
    expect(py!.rc).not.toBe(0);
    expect(py!.stderr).toMatch(/Permission denied/);
  });
});
