import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostKeyError, UnreachableError } from "../../../src/transport/errors.js";
import { ConnectionPool } from "../../../src/transport/pool.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;
let vars: Record<string, unknown>;
const pool = new ConnectionPool({ globalKnownHostsFiles: [] });

beforeAll(async () => {
  lab = await startSshdContainer();
  // carol logs in with a password only.
  lab.sh(
    "useradd -m -s /bin/bash carol && chpasswd && echo 'PasswordAuthentication yes' >/etc/ssh/sshd_config.d/00-pw.conf",
    "carol:carol pw\n",
  );
  await lab.reloadSshd();
  vars = {
    ansible_host: "127.0.0.1",
    ansible_port: lab.port,
    ansible_user: "ubuntu",
    ansible_ssh_private_key_file: lab.keyFile,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${lab.knownHostsFile}`,
  };
});

afterAll(async () => {
  await pool.closeAll();
  lab?.stop();
});

const sessions = () => lab.sh("pgrep -c -u ubuntu -x sshd || true").trim();

describe("ConnectionPool against sshd", () => {
  it("opens one connection for the host and reuses it for every task", async () => {
    for (let i = 0; i < 5; i++) {
      const conn = await pool.get("web1", vars);
      expect((await conn.exec("echo $USER")).stdout).toBe("ubuntu\n");
    }
    const conn = await pool.get("web1", vars);
    await Promise.all(Array.from({ length: 10 }, () => conn.exec("true")));
    expect(conn.stats.roundTrips).toBe(15);
    expect(sessions()).toBe("1");
  });

  it("reconnects on the next use after the connection dropped", async () => {
    const first = await pool.get("web1", vars);
    lab.sh("pkill -KILL -u ubuntu -x sshd");
    await expect(first.exec("sleep 5")).rejects.toBeInstanceOf(UnreachableError);
    expect(first.alive).toBe(false);
    const second = await pool.get("web1", vars);
    expect(second).not.toBe(first);
    expect((await second.exec("echo back")).stdout).toBe("back\n");
  });

  it("refuses an unknown host key unless StrictHostKeyChecking=no or host_key_checking is off", async () => {
    const empty = join(lab.dir, "pool_empty_kh");
    writeFileSync(empty, "");
    const strict = { ...vars, ansible_ssh_common_args: `-o UserKnownHostsFile=${empty}` };
    await expect(pool.get("web2", strict)).rejects.toBeInstanceOf(HostKeyError);
    const relaxed = { ...strict, ansible_ssh_extra_args: "-o StrictHostKeyChecking=no" };
    expect((await (await pool.get("web2", relaxed)).exec("echo ok")).stdout).toBe("ok\n");
    const off = new ConnectionPool({
      hostKeyChecking: false,
      knownHostsFiles: [empty],
      globalKnownHostsFiles: [],
    });
    try {
      expect(
        (await (await off.get("web3", { ...vars, ansible_ssh_common_args: "" })).exec("echo ok")).stdout,
      ).toBe("ok\n");
    } finally {
      await off.closeAll();
    }
  });

  it("logs in with ansible_password", async () => {
    const conn = await pool.get("db1", {
      ansible_host: "127.0.0.1",
      ansible_port: lab.port,
      ansible_user: "carol",
      ansible_password: "carol pw",
      ansible_ssh_common_args: `-o UserKnownHostsFile=${lab.knownHostsFile}`,
    });
    expect((await conn.exec("id -un")).stdout).toBe("carol\n");
  });

  it("reports a wrong password as unreachable, naming what was tried", async () => {
    const e = await pool
      .get("db2", {
        ansible_host: "127.0.0.1",
        ansible_port: lab.port,
        ansible_user: "carol",
        ansible_password: "nope",
        ansible_ssh_common_args: `-o UserKnownHostsFile=${lab.knownHostsFile}`,
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UnreachableError);
    expect((e as UnreachableError).reason).toMatch(/permission denied for carol@.*password/);
    expect((e as UnreachableError).message).not.toContain("nope");
  });

  it("gives a local connection for ansible_connection=local", async () => {
    const conn = await pool.get("localhost", { ansible_connection: "local" });
    expect((await conn.exec("echo here")).stdout).toBe("here\n");
  });
});
