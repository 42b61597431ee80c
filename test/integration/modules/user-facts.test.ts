/**
 * The user module's facts asked as Python inside the operation helper print exactly the lines of the shell script
 * (getent, ssh-keygen -l and the tests), for existing and missing users, numeric names, keys present or not,
 * relative, absolute and ~ key files, and a `home` argument; as root and as the login user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userFactsScript, type UserFactsQuery } from "../../../src/modules/util/user-facts.js";
import { userFactsProgram } from "../../../src/modules/util/user-facts-python.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { connect, ROOT, sh } from "./helpers.js";

const D = "/tmp/infra-user-facts";
const QUERIES: UserFactsQuery[] = [
  { name: "root", sshFile: ".ssh/id_rsa" },
  { name: "ubuntu", sshFile: ".ssh/id_ed25519" },
  { name: "factsuser", sshFile: ".ssh/id_ed25519" },
  { name: "factsuser", sshFile: ".ssh/id_rsa", home: `${D}/elsewhere/` },
  { name: "factsuser", sshFile: `${D}/keys/k`, home: "relative" },
  { name: "factsuser", sshFile: "~/.ssh/x", home: "~" },
  { name: "factsuser", sshFile: ".ssh/dirpub" },
  { name: "no-such-user", sshFile: ".ssh/id_rsa" },
  { name: "0", sshFile: ".ssh/id_rsa" },
  { name: "1000", sshFile: ".ssh/id_rsa" },
  { name: "", sshFile: ".ssh/id_rsa", home: "" },
];

describe("user facts under Python", () => {
  let conn: SshConnection;
  beforeAll(async () => {
    conn = await connect("mysql-1");
    await sh(
      "mysql-1",
      [
        `rm -rf ${D}; mkdir -p ${D}/keys ${D}/elsewhere`,
        "id factsuser >/dev/null 2>&1 || useradd -m -G sudo -c 'Facts, User' factsuser",
        "usermod -e 2031-01-01 factsuser",
        `su factsuser -c "mkdir -p ~/.ssh ~/.ssh/dirpub.pub && ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/id_ed25519"`,
        `ssh-keygen -q -t ed25519 -N '' -f ${D}/keys/k; chmod 600 ${D}/keys/k.pub`,
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await sh("mysql-1", `rm -rf ${D}; userdel -r factsuser 2>/dev/null; true`);
    await conn.close();
  });

  for (const become of [undefined, ROOT]) {
    it(`prints the shell script's lines (${become ? "as root" : "as the login user"})`, async () => {
      for (const q of QUERIES) {
        const py = await conn.python(userFactsProgram(q), { become });
        const shell = await conn.exec(userFactsScript(q), { become });
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
