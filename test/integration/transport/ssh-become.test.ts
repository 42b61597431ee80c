import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BecomeError } from "../../../src/transport/errors.js";
import { connectSsh, type SshConnection } from "../../../src/transport/ssh.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

// A password with every character that could break quoting if it ever reached a command line.
const PASSWORD = `pa ss'"$(touch /tmp/pwned)\`;|&`;

let lab: SshdContainer;
let ubuntu: SshConnection;
let alice: SshConnection;
/** Every test runs twice: operations through the host's helper processes, and each on a channel of its own. */
const MODES = ["helper", "channel"] as const;
const connections = {} as Record<(typeof MODES)[number], { ubuntu: SshConnection; alice: SshConnection }>;

beforeAll(async () => {
  lab = await startSshdContainer();
  // alice may sudo, but only with her password; bob is a plain user to become.
  lab.sh(
    [
      "useradd -m -s /bin/bash alice",
      "install -d -m 700 -o alice -g alice /home/alice/.ssh",
      "cp /home/ubuntu/.ssh/authorized_keys /home/alice/.ssh/ && chown alice: /home/alice/.ssh/authorized_keys",
      "echo 'alice ALL=(ALL) ALL' >/etc/sudoers.d/alice",
      "useradd -m -s /bin/sh bob",
      "chpasswd",
    ].join(" && "),
    `alice:${PASSWORD}\n`,
  );
  const base = {
    host: "127.0.0.1",
    port: lab.port,
    privateKeyPath: lab.keyFile,
    agent: false as const,
    knownHostsFiles: [lab.knownHostsFile],
    globalKnownHostsFiles: [],
  };
  for (const mode of MODES) {
    const operationHelpers = mode === "helper";
    connections[mode] = {
      ubuntu: await connectSsh({ ...base, user: "ubuntu", operationHelpers }),
      alice: await connectSsh({ ...base, user: "alice", operationHelpers }),
    };
  }
});

afterAll(async () => {
  for (const c of Object.values(connections)) {
    await c.ubuntu.close();
    await c.alice.close();
  }
  lab?.stop();
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe.each(MODES)("become via sudo without a password (NOPASSWD) (operations via %s)", (mode) => {
  beforeAll(() => {
    ubuntu = connections[mode].ubuntu;
    alice = connections[mode].alice;
  });

  it("becomes root and another user", async () => {
    expect((await ubuntu.exec("id -un", { become: { user: "root" } })).stdout).toBe("root\n");
    expect((await ubuntu.exec('id -un; echo "$HOME"', { become: { user: "bob" } })).stdout).toBe(
      "bob\n/home/bob\n",
    );
  });

  it("keeps stdout, stderr, rc, stdin, env and cwd of the command", async () => {
    const r = await ubuntu.exec('cat; echo "$X" >&2; pwd; exit 4', {
      become: { user: "root" },
      stdin: "in\n",
      env: { X: "x y" },
      cwd: "/root",
    });
    expect(r).toEqual({ rc: 4, stdout: "in\n/root\n", stderr: "x y\n" });
  });

  it("says clearly when the user to become does not exist", async () => {
    const e = await rejection(ubuntu.exec("true", { become: { user: "nosuchuser" } }));
    expect(e).toBeInstanceOf(BecomeError);
    expect(e.message).toMatch(/could not become nosuchuser.*unknown user/);
  });

  it("honours become flags", async () => {
    // -P keeps the connecting user's groups (ubuntu is in group sudo); without it bob has only his own.
    expect((await ubuntu.exec("id -Gn", { become: { user: "bob" } })).stdout).toBe("bob\n");
    const r = await ubuntu.exec("id -Gn", { become: { user: "bob", flags: "-H -S -n -P" } });
    expect(r.stdout.split(" ")).toContain("sudo");
  });
});

describe.each(MODES)("become via sudo with a password (operations via %s)", (mode) => {
  beforeAll(() => {
    ubuntu = connections[mode].ubuntu;
    alice = connections[mode].alice;
  });

  it("answers sudo's prompt with the right password", async () => {
    const r = await alice.exec("id -un; cat", {
      become: { user: "root", password: PASSWORD },
      stdin: "data\n",
    });
    expect(r).toEqual({ rc: 0, stdout: "root\ndata\n", stderr: "" });
    expect(lab.sh("ls /tmp/pwned 2>&1 || true")).toContain("No such file");
  });

  it("refuses a wrong password with a clear error that does not leak it", async () => {
    const wrong = "wrong-Secret-123";
    const started = Date.now();
    const e = await rejection(alice.exec("id -un", { become: { user: "root", password: wrong } }));
    expect(e).toBeInstanceOf(BecomeError);
    expect(e.message).toMatch(/incorrect sudo password/);
    expect(`${e.message} ${(e as BecomeError).hint} ${e.stack}`).not.toContain(wrong);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("says a password is required when none is given", async () => {
    const e = await rejection(alice.exec("id -un", { become: { user: "root" } }));
    expect(e).toBeInstanceOf(BecomeError);
    expect(e.message).toMatch(/asks for a password and none was given/);
    expect((e as BecomeError).hint).toMatch(/ansible_become_password/);
  });

  it("never puts the password in argv or output", async () => {
    // Catch every sudo command line the host sees while a long command runs.
    const running = alice.exec("sleep 1; echo done", { become: { user: "root", password: PASSWORD } });
    await new Promise((r) => setTimeout(r, 400));
    const argv = lab.sh("cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' ' || true");
    const r = await running;
    expect(argv).toContain("sleep 1");
    expect(argv).not.toContain("pa ss");
    expect(r.stdout + r.stderr).not.toContain("pa ss");
  });

  it("does not feed the password to the command when sudo does not ask", async () => {
    // ubuntu has NOPASSWD: the password must not end up on the command's stdin.
    const r = await ubuntu.exec("cat", {
      become: { user: "root", password: "unused" },
      stdin: "only this\n",
    });
    expect(r.stdout).toBe("only this\n");
  });

  it("puts and gets files with a password", async () => {
    const become = { user: "root", password: PASSWORD };
    await alice.put("/root/secret.txt", "top\n", { mode: "0600", become });
    expect(lab.sh("stat -c '%U %a' /root/secret.txt")).toBe("root 600\n");
    expect((await alice.get("/root/secret.txt", { become })).toString()).toBe("top\n");
  });

  it("opens a stream behind sudo", async () => {
    const stream = await alice.execStream("id -un; cat", { become: { user: "root", password: PASSWORD } });
    const out: Buffer[] = [];
    stream.on("data", (c: Buffer) => out.push(c));
    stream.end("echoed\n");
    expect((await stream.exit).rc).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(out).toString()).toBe("root\nechoed\n");
  });

  it("rejects execStream when sudo refuses", async () => {
    const e = await rejection(alice.execStream("cat", { become: { user: "root", password: "nope" } }));
    expect(e).toBeInstanceOf(BecomeError);
  });
});
