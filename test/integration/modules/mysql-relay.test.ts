/**
 * The database relay's two forms on the lab's MariaDB (mysql-1): inside the root operation helper, reached over a
 * streamlocal channel, and as a program of its own (no helper; a become user the helper cannot hand a socket from;
 * an sshd that forwards no sockets). Each must give mysql_user the same answers, and leave nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paths } from "../../../src/lab/files.js";
import { getModule } from "../../../src/modules/registry.js";
import { runModule } from "../../../src/modules/run.js";
import { connectSsh, type SshConnection } from "../../../src/transport/ssh.js";
import { lab, labHost } from "../lab-helpers.js";
import { ansibleModule, sql } from "./db-oracle.js";
import { makeCtx, sh } from "./helpers.js";

const P = "infra_t_rl_";
const LOGIN = `${P}nofwd`; // a login user whose sshd forwards no sockets
const SSHD_DROPIN = "/etc/ssh/sshd_config.d/90-infra-relay-test.conf";
const SOCK = { login_unix_socket: "/run/mysqld/mysqld.sock" };
const args = { ...SOCK, name: `${P}user`, password: "Relay-pw 1", priv: "agama.*:SELECT" };

let helped: SshConnection;
let plain: SshConnection;
let refused: SshConnection;

function open(user: string, operationHelpers = true): Promise<SshConnection> {
  const p = paths(lab().home);
  return connectSsh({
    host: "127.0.0.1",
    port: labHost("mysql-1").port,
    user,
    name: "mysql-1",
    privateKeyPath: p.key,
    agent: false,
    knownHostsFiles: [p.knownHosts],
    globalKnownHostsFiles: [],
    operationHelpers,
  });
}

function user(conn: SshConnection, a: Record<string, unknown> = args, becomeUser = "root") {
  const ctx = { ...makeCtx(conn, { become: true }), become: { user: becomeUser } };
  return runModule(getModule("mysql_user")!, a, ctx, "mysql_user");
}

const relayDirs = () => sh("mysql-1", "ls -d /tmp/infra-relay-* 2>/dev/null || true").then((s) => s.trim());

async function until(what: () => Promise<string>, want: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let got = await what();
  while (got !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    got = await what();
  }
  return got;
}

beforeAll(async () => {
  // sshd re-reads its configuration for new connections on SIGHUP; the Match block touches this user only.
  await sh(
    "mysql-1",
    [
      `id ${LOGIN} >/dev/null 2>&1 || useradd -m -s /bin/bash ${LOGIN}`,
      `install -d -o ${LOGIN} -m 700 /home/${LOGIN}/.ssh`,
      `install -o ${LOGIN} -m 600 /home/ubuntu/.ssh/authorized_keys /home/${LOGIN}/.ssh/authorized_keys`,
      `echo '${LOGIN} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${LOGIN}`,
      `printf 'Match User ${LOGIN}\\n    AllowStreamLocalForwarding no\\n' > ${SSHD_DROPIN}`,
      "kill -HUP $(cat /run/sshd.pid)",
    ].join(" && "),
  );
  await new Promise((r) => setTimeout(r, 300));
  [helped, plain, refused] = await Promise.all([open("ubuntu"), open("ubuntu", false), open(LOGIN)]);
  await sql(`DROP USER IF EXISTS '${args.name}'@'localhost'`);
  expect((await user(helped)).changed).toBe(true);
});

afterAll(async () => {
  await Promise.all([helped?.close(), plain?.close(), refused?.close()]);
  await sql(`DROP USER IF EXISTS '${args.name}'@'localhost'`);
  await sh(
    "mysql-1",
    `rm -f ${SSHD_DROPIN} /etc/sudoers.d/${LOGIN}; kill -HUP $(cat /run/sshd.pid); userdel -r ${LOGIN} 2>/dev/null || true`,
  );
});

describe("the database relay", () => {
  it("runs in the root helper: a helper operation and a socket channel, nothing left behind", async () => {
    const before = helped.stats.roundTrips;
    const helpers = helped.stats.helpers;
    expect(await user(helped)).toMatchObject({ changed: false, msg: "User unchanged" });
    expect(helped.stats.roundTrips - before).toBe(2);
    expect(helped.stats.helpers).toBe(helpers); // no program of its own, no new helper
    expect(await relayDirs()).toBe("");
  });

  it("is a program of its own without helpers, with the same answers", async () => {
    const before = plain.stats.roundTrips;
    expect(await user(plain)).toMatchObject({ changed: false, msg: "User unchanged" });
    expect(plain.stats.roundTrips - before).toBe(1);
    const change = { ...args, priv: "agama.*:SELECT,LOCK TABLES" };
    const [a, b] = [await user(helped, change), await user(plain, { ...change, priv: "agama.*:SELECT" })];
    expect(a).toMatchObject({
      changed: true,
      msg: "Privileges updated: granted ['LOCK TABLES'], revoked []",
    });
    expect(b).toMatchObject({
      changed: true,
      msg: "Privileges updated: granted [], revoked ['LOCK TABLES']",
    });
    expect(await sql(`SHOW GRANTS FOR '${args.name}'@'localhost'`)).toContain(
      `GRANT SELECT ON \`agama\`.* TO \`${args.name}\`@\`localhost\``,
    );
  });

  it("falls back to the program where sshd forwards no sockets, and the listener goes with its helper", async () => {
    expect(await user(refused)).toMatchObject({ changed: false, msg: "User unchanged" });
    // The helper's listener was made and never reached: it is removed when its helper ends (or after 10 s).
    expect(await relayDirs()).toMatch(/^\/tmp\/infra-relay-[0-9a-f]{16}$/);
    await refused.close();
    expect(await until(relayDirs, "", 12_000)).toBe("");
  }, 20_000);

  it("fails to reach a missing socket with PyMySQL's message either way", async () => {
    const bad = { ...args, login_unix_socket: "/run/mysqld/nothing.sock" };
    const [a, b] = [await user(helped, bad), await user(plain, bad)];
    expect(a.failed).toBe(true);
    expect(a.msg).toContain(
      `Can't connect to MySQL server on 'localhost' ([Errno 2] No such file or directory)`,
    );
    expect(a.msg).toBe(b.msg);
  });

  it("fails to reach a closed port or an unknown name with Ansible's message, through either form", async () => {
    for (const login of [
      { login_host: "127.0.0.1", login_port: 1 },
      { login_host: "no-such-host.invalid", login_port: 3306 },
    ]) {
      const a = {
        name: `${P}tcp`,
        state: "absent",
        login_user: "root",
        login_password: "Not-In-Any-Message 7",
        ...login,
      };
      const theirs = await ansibleModule("mysql-1", "community.mysql.mysql_user", a);
      const [viaHelper, viaProgram] = [await user(helped, a), await user(plain, a)];
      expect(theirs.failed).toBe(true);
      expect(viaHelper).toMatchObject({ failed: true, msg: theirs.msg });
      expect(viaProgram).toMatchObject({ failed: true, msg: theirs.msg });
    }
  }, 30_000);

  it("takes the program as a become user other than root, where the helper cannot hand a socket to sshd", async () => {
    const before = helped.stats.roundTrips;
    const [a, b] = [await user(helped, args, "nobody"), await user(plain, args, "nobody")];
    // unix_socket authentication sees `nobody`, who has no MariaDB account: both fail alike.
    expect(a.failed).toBe(true);
    expect(a.msg).toBe(b.msg);
    expect(a.msg).toMatch(/Access denied for user 'nobody'@'localhost'/);
    expect(helped.stats.roundTrips - before).toBeGreaterThanOrEqual(2); // the helper's refusal, then the program
    expect(await relayDirs()).toBe("");
  });
});
