import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnreachableError } from "../../../src/transport/errors.js";
import { connectSsh, type SshOptions } from "../../../src/transport/ssh.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;

beforeAll(async () => {
  lab = await startSshdContainer();
});

afterAll(() => lab?.stop());

function options(extra: Partial<SshOptions> = {}): SshOptions {
  return lab.sshOptions(extra);
}

async function unreachable(p: Promise<unknown>): Promise<UnreachableError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UnreachableError);
    return e as UnreachableError;
  }
  throw new Error("expected UnreachableError");
}

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("unreachable hosts", () => {
  it("reports a refused port quickly", async () => {
    const port = await closedPort();
    const started = Date.now();
    const e = await unreachable(connectSsh(options({ port })));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e.message).toBe(`127.0.0.1: UNREACHABLE: connection refused by 127.0.0.1:${port}`);
    expect(e.exitCode).toBe(4);
  });

  it("times out on a server that never speaks SSH", async () => {
    const sockets: import("node:net").Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    try {
      const e = await unreachable(connectSsh(options({ port, connectTimeoutMs: 500 })));
      expect(e.reason).toMatch(/timed out after 0.5 s/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it("reports a refused login with what was tried", async () => {
    const e = await unreachable(connectSsh(options({ user: "nobody" })));
    expect(e.reason).toMatch(/^permission denied for nobody@127.0.0.1:\d+ \(tried key /);
  });

  it("reports a missing key file", async () => {
    const e = await unreachable(connectSsh(options({ privateKeyPath: "/no/such/key" })));
    expect(e.reason).toMatch(/private key file \/no\/such\/key cannot be read \(ENOENT\)/);
  });

  it("notices a link that silently stops answering (keepalive) and rejects what was pending", async () => {
    const conn = await connectSsh(options({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 }));
    const pending = conn.exec("sleep 20");
    await new Promise((r) => setTimeout(r, 200));
    lab.pause();
    const started = Date.now();
    try {
      const e = await unreachable(pending);
      expect(e.reason).toMatch(/connection lost: Keepalive timeout/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      lab.unpause();
    }
  });

  it("runs fewer commands at once when the server's MaxSessions is below our limit", async () => {
    lab.sh("echo 'MaxSessions 3' >/etc/ssh/sshd_config.d/00-max.conf");
    await lab.reloadSshd();
    const conn = await connectSsh(options({ maxSessions: 8 }));
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => conn.exec(`sleep 0.1; echo ${i}`)),
      );
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
    } finally {
      await conn.close();
      lab.sh("rm /etc/ssh/sshd_config.d/00-max.conf");
      await lab.reloadSshd();
    }
  });

  it("rejects every pending operation promptly when sshd dies mid-command", async () => {
    const conn = await connectSsh(options());
    const pending = Array.from({ length: 12 }, () => conn.exec("sleep 30"));
    pending.push(conn.put("/tmp/x", "x").then(() => conn.exec("sleep 30")) as never);
    const settled = Promise.allSettled(pending);
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    lab.sh("pkill -KILL sshd");
    const results = await settled;
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UnreachableError);
    }
    expect(conn.alive).toBe(false);
    // Later operations fail at once too.
    await unreachable(conn.exec("true"));
  });
});
