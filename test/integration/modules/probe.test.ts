/**
 * The probe's shell functions on a real host: link targets and real paths come back exactly, whether they travel
 * plain (`=<path>`) or as hex (spaces, a trailing newline, non-ASCII), and `id` gives the probe's uid and gid.
 */
import { describe, expect, it } from "vitest";
import { decodePath, parseStatLine, PROBE_FUNCTIONS, ProbeAnswers } from "../../../src/modules/util/probe.js";
import { sshRun } from "../lab-helpers.js";

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
