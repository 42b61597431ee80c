/**
 * The operation helper (src/transport/op-shell.ts) on a real host: one per become identity, started at its first
 * operation, replaced when it dies, and skipped where python3 is missing. That results are the same with and
 * without it is shown by ssh-exec, ssh-files and ssh-become, which run every test both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSsh, type SshConnection } from "../../../src/transport/ssh.js";
import { sharedProgram } from "../../../src/modules/util/py-common.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;
const open: SshConnection[] = [];

const connect = async () => {
  const conn = await connectSsh(lab.sshOptions());
  open.push(conn);
  return conn;
};

/** Helper processes on the host: python3 running our helper code (its greeting is in its command line). */
const helpersOnHost = () => Number(lab.sh("pgrep -c -f '^python3 -u -c .*INFRA-OPS-READY' || true").trim());

const until = async (what: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return what();
};

beforeAll(async () => {
  lab = await startSshdContainer();
});

afterAll(async () => {
  for (const c of open) await c.close();
  lab?.stop();
});

describe("operation helpers", () => {
  it("starts one per become identity at its first operation and serves the operations after it", async () => {
    const conn = await connect();
    for (let i = 0; i < 5; i++) {
      expect((await conn.exec("id -un")).stdout).toBe("ubuntu\n");
      expect((await conn.exec("id -un", { become: { user: "root" } })).stdout).toBe("root\n");
    }
    expect(conn.stats.helpers).toBe(2);
    expect(conn.stats.roundTrips).toBe(10);
    // A third identity gets the last one a connection may have (sshd's MaxSessions 10 leaves room for three).
    await conn.exec("id -un", { become: { user: "nobody" } });
    await conn.exec("id -un", { become: { user: "daemon" } });
    expect(conn.stats.helpers).toBe(3);
    expect(await until(() => helpersOnHost() === 3)).toBe(true);
    await conn.close();
    // They end with the connection.
    expect(await until(() => helpersOnHost() === 0)).toBe(true);
  });

  it("compiles a program's shared part once per helper and still runs every call in a fresh namespace", async () => {
    const conn = await connect();
    // The call keeps f's code object on sys (which outlives calls) and says whether this run's f has the same one.
    const shared = "seen = []\ndef f():\n    return 1\n";
    const call = `import sys
seen.append(1)
prev = getattr(sys, "_infra_test_code", None)
sys._infra_test_code = f.__code__
w(b"%s %d" % (b"same" if prev is f.__code__ else b"new", len(seen)))`;
    const run = async (code: string) => {
      const r = await conn.python(code, { become: { user: "root" } });
      expect(r, "the helper took it").toBeDefined();
      return r!;
    };
    expect((await run(sharedProgram(shared, call))).stdout).toBe("new 1");
    expect((await run(sharedProgram(shared, call))).stdout).toBe("same 1");
    // Another shared text is another program; one sent whole is compiled every time.
    expect((await run(sharedProgram(`${shared}# other\n`, call))).stdout).toBe("new 1");
    expect((await run(`${shared}${call}`)).stdout).toBe("new 1");
    expect((await run(`${shared}${call}`)).stdout).toBe("new 1");
    const bad = await run(sharedProgram("def g(:\n", "w(b'x')"));
    expect([bad.rc, bad.stderr]).toEqual([1, expect.stringMatching(/^SyntaxError: /)]);
    const raised = await run(sharedProgram(shared, "w(b'partial'); raise ValueError('no')"));
    expect([raised.rc, raised.stdout, raised.stderr]).toEqual([1, "", "ValueError: no"]);
    await conn.close();
  });

  it("fails the operation in flight when its helper dies, and starts a new one for later operations", async () => {
    const conn = await connect();
    await conn.exec("true"); // the first operation of an identity starts its helper
    expect(await until(() => helpersOnHost() === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // let it greet us
    const inFlight = conn.exec("sleep 3; echo done");
    await new Promise((r) => setTimeout(r, 300));
    lab.sh("pkill -KILL -f '^python3 -u -c .*INFRA-OPS-READY'");
    await expect(inFlight).rejects.toThrow(/operation helper ended/);
    expect(conn.alive).toBe(true);
    for (let i = 0; i < 3; i++) expect((await conn.exec("echo again")).stdout).toBe("again\n");
    expect(conn.stats.helpers).toBe(2);
    await conn.close();
    expect(await until(() => helpersOnHost() === 0)).toBe(true);
  });

  it("leaves operations on channels where the host has no python3", async () => {
    lab.sh("mv /usr/bin/python3 /usr/bin/python3.away");
    try {
      const conn = await connect();
      for (let i = 0; i < 4; i++) {
        const r = await conn.exec("cat; exit 4", { stdin: "in", become: { user: "root" } });
        expect(r).toEqual({ rc: 4, stdout: "in", stderr: "" });
      }
      expect(conn.stats.helpers).toBe(1); // tried once, then left alone
      expect(helpersOnHost()).toBe(0);
    } finally {
      lab.sh("mv /usr/bin/python3.away /usr/bin/python3");
    }
  });
});
