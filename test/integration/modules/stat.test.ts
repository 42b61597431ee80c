import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible } from "./ansible-oracle.js";
import { connect, run, sh } from "./helpers.js";

const H = "mysql-1";
const D = "/tmp/infra-modtest-stat";
let conn: SshConnection;

beforeAll(async () => {
  conn = await connect(H);
  await sh(
    H,
    `rm -rf ${D} && mkdir -p ${D}/dir && printf 'hello\\n' > ${D}/f && chmod 4750 ${D}/f && chown ubuntu:adm ${D}/f && ln -s f ${D}/link && ln -s gone ${D}/dangling`,
  );
});
afterAll(async () => {
  await sh(H, `rm -rf ${D}`);
  await conn?.close();
});

/** atime moves when either tool reads the file; everything else must be identical. */
const comparable = (r: Record<string, unknown>) => {
  const { atime: _a, ...rest } = (r.stat ?? {}) as Record<string, unknown>;
  return { changed: r.changed, stat: rest };
};

describe("stat, compared with ansible 2.14", () => {
  it("reports the same for a file, a directory, links (followed or not) and a missing path", async () => {
    const cases: Record<string, unknown>[] = [
      { path: `${D}/f` },
      { path: `${D}/f`, checksum_algorithm: "sha256", get_md5: true },
      { path: `${D}/dir`, get_mime: false },
      { path: `${D}/link` },
      { path: `${D}/link`, follow: true },
      { path: `${D}/dangling` },
      { path: `${D}/missing` },
      { path: "/dev/null", get_attributes: false },
    ];
    for (const args of cases) {
      const ours = await run("stat", args, conn, { become: true });
      const ref = await ansible(H, "stat", args, { become: true });
      expect(comparable(ours), JSON.stringify(args)).toEqual(comparable(ref));
    }
  });

  it("costs one round trip and fails clearly on a bad argument", async () => {
    const before = conn.stats.roundTrips;
    await run("stat", { path: `${D}/f` }, conn);
    expect(conn.stats.roundTrips - before).toBe(1);
    expect((await run("stat", { path: D, checksum_algorithm: "crc" }, conn)).msg).toBe(
      "value of checksum_algorithm must be one of: md5, sha1, sha224, sha256, sha384, sha512, got: crc",
    );
  });
});
