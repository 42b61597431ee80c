import { describe, expect, it } from "vitest";
import { UnreachableError } from "../../../src/transport/errors.js";
import { ConnectionPool, type Connectors } from "../../../src/transport/pool.js";
import type { SshOptions } from "../../../src/transport/ssh.js";
import type { Connection } from "../../../src/transport/types.js";

/** A connection that records what it was opened with and can be made to "drop". */
function fake(name: string, opts?: SshOptions) {
  const conn = {
    host: name,
    opts,
    alive: true,
    closed: 0,
    stats: { roundTrips: 2, bytesSent: 10 },
    async close() {
      conn.closed++;
      conn.alive = false;
    },
  };
  return conn;
}

function connectors(fail: Set<string> = new Set()) {
  const made: ReturnType<typeof fake>[] = [];
  const c: Connectors = {
    async ssh(opts) {
      await new Promise((r) => setTimeout(r, 5));
      if (fail.has(opts.host)) throw new UnreachableError(opts.name ?? opts.host, "connection refused");
      const conn = fake(opts.name ?? opts.host, opts);
      made.push(conn);
      return conn as unknown as Connection;
    },
    local(name) {
      const conn = fake(name);
      made.push(conn);
      return conn as unknown as Connection;
    },
  };
  return { c, made };
}

describe("ConnectionPool", () => {
  it("opens one connection per host, lazily, shared by concurrent first uses", async () => {
    const { c, made } = connectors();
    const pool = new ConnectionPool({}, c);
    expect(made).toHaveLength(0);
    const [a, b] = await Promise.all([
      pool.get("web1", { ansible_port: 2222 }),
      pool.get("web1", { ansible_port: 2222 }),
    ]);
    expect(a).toBe(b);
    expect(await pool.get("web1", { ansible_port: 2222 })).toBe(a);
    await pool.get("web2", {});
    expect(made.map((m) => [m.host, m.opts?.port])).toEqual([
      ["web1", 2222],
      ["web2", 22],
    ]);
  });

  it("uses the local connection for ansible_connection=local", async () => {
    const { c, made } = connectors();
    const conn = await new ConnectionPool({}, c).get("localhost", { ansible_connection: "local" });
    expect(conn.host).toBe("localhost");
    expect(made[0].opts).toBeUndefined();
  });

  it("passes the configuration through", async () => {
    const { c, made } = connectors();
    await new ConnectionPool({ hostKeyChecking: false, timeout: 4, maxSessions: 3 }, c).get("h", {});
    expect(made[0].opts).toMatchObject({ hostKeyChecking: false, connectTimeoutMs: 4000, maxSessions: 3 });
  });

  it("asks for a kept connection where the ssh arguments give ControlPersist, a direct one elsewhere", async () => {
    const { c, made } = connectors();
    const kept: [string, number][] = [];
    c.sshKept = async (opts, persistS) => {
      kept.push([opts.host, persistS]);
      return fake(opts.host, opts) as unknown as Connection;
    };
    const pool = new ConnectionPool({ sshArgs: "-C -o ControlMaster=auto -o ControlPersist=2m" }, c);
    await pool.get("kept", {});
    await pool.get("direct", { ansible_ssh_args: "-C" });
    expect(kept).toEqual([["kept", 120]]);
    expect(made.map((m) => m.host)).toEqual(["direct"]);
  });

  it("resets a host's connection for good: reset() where it has one, close() else, and a new one next time", async () => {
    const { c, made } = connectors();
    const pool = new ConnectionPool({}, c);
    const first = await pool.get("web1", {});
    const resets: string[] = [];
    (first as unknown as { reset: () => Promise<void> }).reset = async () => {
      resets.push("web1");
    };
    const other = await pool.get("web2", {});
    await pool.reset("web1");
    expect(resets).toEqual(["web1"]);
    expect(await pool.get("web1", {})).not.toBe(first);
    expect(await pool.get("web2", {})).toBe(other);
    expect(made.map((m) => m.host)).toEqual(["web1", "web2", "web1"]);
    await pool.reset("web2"); // no reset(): closed
    expect(made[1]!.closed).toBe(1);
  });

  it("does not cache a failed connect", async () => {
    const fail = new Set(["h"]);
    const { c } = connectors(fail);
    const pool = new ConnectionPool({}, c);
    await expect(pool.get("h", {})).rejects.toBeInstanceOf(UnreachableError);
    fail.clear();
    expect((await pool.get("h", {})).alive).toBe(true);
  });

  it("replaces a dropped connection, and one whose settings changed", async () => {
    const { c, made } = connectors();
    const pool = new ConnectionPool({}, c);
    const first = await pool.get("h", {});
    made[0].alive = false;
    const second = await pool.get("h", {});
    expect(second).not.toBe(first);
    const third = await pool.get("h", { ansible_user: "other" });
    expect(third).not.toBe(second);
    expect(made.map((m) => m.opts?.user).slice(2)).toEqual(["other"]);
  });

  it("sums stats and closes everything it opened", async () => {
    const { c, made } = connectors();
    const pool = new ConnectionPool({}, c);
    await pool.get("a", {});
    await pool.get("b", {});
    await pool.get("b", { ansible_user: "x" });
    expect(await pool.stats()).toEqual({ roundTrips: 6, bytesSent: 30 });
    await pool.closeAll();
    expect(made.map((m) => m.closed)).toEqual([1, 1, 1]);
  });

  it("reads the become password from the host's variables", () => {
    expect(new ConnectionPool().becomePassword("h", { ansible_become_pass: "s" })).toBe("s");
  });
});
