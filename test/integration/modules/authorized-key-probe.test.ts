/**
 * authorized_key's probe asked as Python inside the operation helper prints exactly the shell script's four lines
 * (getent, the key file's path, realpath -m, the content) for users with and without a key file, missing and
 * numeric users, and `path` arguments that are relative, `~`, symlinked (through files, directories, `..`,
 * dangling, looping), a directory, unreadable, `//`-rooted or empty; as root and as the login user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizedKeyProgram,
  authorizedKeyScript,
  type AuthorizedKeyQuery,
} from "../../../src/modules/util/authorized-key-probe.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { connect, ROOT, sh } from "./helpers.js";

const D = "/tmp/infra-ak-probe";
const QUERIES: AuthorizedKeyQuery[] = [
  { user: "ubuntu" },
  { user: "root" },
  { user: "akuser" },
  { user: "no-such-user" },
  { user: "0" },
  { user: "" },
  { user: "akuser", path: `${D}/keys` },
  { user: "akuser", path: "rel/keys" },
  { user: "akuser", path: "~/.ssh/authorized_keys" },
  { user: "akuser", path: "~" },
  { user: "akuser", path: `${D}/link` },
  { user: "akuser", path: `${D}/dirlink/keys` },
  { user: "akuser", path: `${D}/dirlink/../keys` },
  { user: "akuser", path: `${D}/dangling` },
  { user: "akuser", path: `${D}/loop` },
  { user: "akuser", path: `${D}/sub` },
  { user: "akuser", path: `${D}/secret` },
  { user: "akuser", path: `/${D}/keys` },
  { user: "akuser", path: `${D}/missing/deeper/../keys` },
  { user: "akuser", path: "" },
];

describe("authorized_key probe under Python", () => {
  let conn: SshConnection;
  beforeAll(async () => {
    conn = await connect("backup");
    await sh(
      "backup",
      [
        `rm -rf ${D}; mkdir -p ${D}/sub/keys ${D}/real`,
        "id akuser >/dev/null 2>&1 || useradd -m akuser",
        `printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests k@x\\n' >${D}/keys`,
        `cp ${D}/keys ${D}/real/keys; ln -s keys ${D}/link; ln -s real ${D}/dirlink`,
        `ln -s nowhere/keys ${D}/dangling; ln -s loop ${D}/loop`,
        `printf 'secret\\n' >${D}/secret; chmod 600 ${D}/secret`,
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await sh("backup", `rm -rf ${D}; userdel -r akuser 2>/dev/null; true`);
    await conn.close();
  });

  for (const become of [undefined, ROOT]) {
    it(`prints the shell script's lines (${become ? "as root" : "as the login user"})`, async () => {
      for (const q of QUERIES) {
        const py = await conn.python(authorizedKeyProgram(q), { become });
        const shell = await conn.exec(authorizedKeyScript(q), { become });
        expect(py, "a helper runs on the lab hosts").toBeDefined();
        expect(py!.stderr, JSON.stringify(q)).toBe("");
        expect([py!.rc, shell.rc]).toEqual([0, 0]);
        const [a, b] = [py!.stdout.split("\n"), shell.stdout.split("\n")];
        expect(a.length, JSON.stringify(q)).toBe(b.length);
        a.forEach((line, i) => expect(line, `${JSON.stringify(q)} line ${i}`).toBe(b[i]));
      }
    });
  }
});
