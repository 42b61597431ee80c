import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandTimeoutError } from "../../../src/transport/errors.js";
import { connectSsh, type SshConnection } from "../../../src/transport/ssh.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;
let conn: SshConnection;
/** Every test runs twice: operations through the host's helper process, and each on a channel of its own. */
const MODES = ["helper", "channel"] as const;
const connections = {} as Record<(typeof MODES)[number], { conn: SshConnection }>;

beforeAll(async () => {
  lab = await startSshdContainer();
  const connect = (operationHelpers: boolean) => connectSsh(lab.sshOptions({ operationHelpers }));
  connections.helper = { conn: await connect(true) };
  connections.channel = { conn: await connect(false) };
});

afterAll(async () => {
  for (const c of Object.values(connections)) await c.conn.close();
  lab?.stop();
});

describe.each(MODES)("ssh exec (operations via %s)", (mode) => {
  beforeAll(() => {
    conn = connections[mode].conn;
  });

  it("returns rc, stdout and stderr apart", async () => {
    const r = await conn.exec("echo out; echo err >&2; exit 3");
    expect(r).toEqual({ rc: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("runs under /bin/sh whatever the login shell", async () => {
    const r = await conn.exec('readlink /proc/$$/exe; echo "$0"');
    expect(r.stdout).toBe("/usr/bin/dash\n/bin/sh\n");
  });

  it("feeds stdin, text and binary", async () => {
    expect((await conn.exec("tr a-z A-Z", { stdin: "hello\n" })).stdout).toBe("HELLO\n");
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = await conn.exec("od -An -tx1 -v | tr -d ' \\n'", { stdin: bytes });
    expect(r.stdout).toBe(bytes.toString("hex"));
  });

  it("gives the command EOF on stdin when there is no input", async () => {
    expect((await conn.exec("cat; echo done")).stdout).toBe("done\n");
  });

  it("exports environment variables, quoting their values", async () => {
    const r = await conn.exec('printf "%s|%s" "$A" "$B"', { env: { A: "it's $HOME", B: "two\nlines" } });
    expect(r.stdout).toBe("it's $HOME|two\nlines");
  });

  it("runs in cwd, and fails cleanly when cwd does not exist", async () => {
    expect((await conn.exec("pwd", { cwd: "/etc/ssh" })).stdout).toBe("/etc/ssh\n");
    const r = await conn.exec("echo never", { cwd: "/no/such dir" });
    expect(r.rc).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("/no/such dir");
  });

  it("uses another shell when asked", async () => {
    const r = await conn.exec("echo ${BASH_VERSION:+bash}; [[ 1 == 1 ]] && echo ok", { shell: "/bin/bash" });
    expect(r.stdout).toBe("bash\nok\n");
  });

  it("runs 50 commands in parallel on one connection, each with its own output", async () => {
    const before = conn.stats.roundTrips;
    // Each command marks itself running in /tmp/par, and reports how many were running at its midpoint.
    await conn.exec("rm -rf /tmp/par && mkdir /tmp/par");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        conn.exec(
          `touch /tmp/par/${i}; sleep 0.3; ls /tmp/par | wc -l; echo e${i} >&2; rm /tmp/par/${i}; exit ${i % 7}`,
        ),
      ),
    );
    results.forEach((r, i) =>
      expect({ rc: r.rc, stderr: r.stderr }).toEqual({ rc: i % 7, stderr: `e${i}\n` }),
    );
    const running = results.map((r) => Number(r.stdout.trim()));
    // Really parallel, yet never more than the 8 channels allowed at once.
    expect(Math.max(...running)).toBeGreaterThan(1);
    expect(Math.max(...running)).toBeLessThanOrEqual(8);
    expect(conn.stats.roundTrips - before).toBe(51);
    // Still one SSH connection per mode: one sshd session process each for user ubuntu.
    const sessions = lab.sh("pgrep -c -u ubuntu -x sshd || true").trim();
    expect(sessions).toBe(String(MODES.length));
  });

  it("counts one round trip and the bytes sent per operation", async () => {
    const before = { ...conn.stats };
    await conn.exec("true");
    await conn.put("/tmp/rt.txt", "12345");
    await conn.get("/tmp/rt.txt");
    expect(conn.stats.roundTrips - before.roundTrips).toBe(3);
    expect(conn.stats.bytesSent - before.bytesSent).toBeGreaterThan(5);
  });

  it("kills a command that runs past timeoutMs", async () => {
    const started = Date.now();
    await expect(conn.exec("sleep 30", { timeoutMs: 300 })).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The connection is still usable afterwards.
    expect((await conn.exec("echo alive")).stdout).toBe("alive\n");
  });

  it("reports a signal death", async () => {
    const r = await conn.exec("kill -TERM $$");
    expect(r.rc).toBe(143);
    expect(r.signal).toBe("SIGTERM");
  });

  it("streams stdin/stdout of a program with execStream", async () => {
    const stream = await conn.execStream('while read l; do echo "got $l"; done; echo bye >&2');
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    const err: Buffer[] = [];
    stream.stderr.on("data", (c: Buffer) => err.push(c));
    stream.write("a\n");
    stream.end("b\n");
    const exit = await stream.exit;
    await new Promise((r) => setImmediate(r));
    expect(exit.rc).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe("got a\ngot b\n");
    expect(Buffer.concat(err).toString()).toBe("bye\n");
  });

  it("forwards a TCP stream from the remote host", async () => {
    // sshd itself listens on 22 inside the container: its banner proves the tunnel.
    const tunnel = await conn.forward("127.0.0.1", 22);
    const banner = await new Promise<string>((resolve) =>
      tunnel.once("data", (c: Buffer) => resolve(c.toString())),
    );
    tunnel.destroy();
    expect(banner).toMatch(/^SSH-2\.0-OpenSSH/);
  });
});
