import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BecomeError, CommandTimeoutError } from "../../../src/transport/errors.js";
import { LocalConnection } from "../../../src/transport/local.js";
import { fakeSudo } from "./fake-sudo.js";

let dir: string;
let sudo: { dir: string; log: string };
const conn = new LocalConnection();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "infra-local-"));
  sudo = fakeSudo();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(sudo.dir, { recursive: true, force: true });
});

function withSudo(password?: string): LocalConnection {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${sudo.dir}:${process.env.PATH}`,
    FAKE_SUDO_LOG: sudo.log,
  };
  if (password !== undefined) env.FAKE_SUDO_PASSWORD = password;
  return new LocalConnection({ env });
}

/** Alive and not a zombie (a killed orphan may wait a while for its reaper). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
  } catch {
    return false;
  }
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("local exec", () => {
  it("returns rc, stdout, stderr; feeds stdin; exports env; runs in cwd", async () => {
    expect(await conn.exec("echo out; echo err >&2; exit 2")).toEqual({
      rc: 2,
      stdout: "out\n",
      stderr: "err\n",
    });
    expect((await conn.exec("cat", { stdin: "abc" })).stdout).toBe("abc");
    expect((await conn.exec('echo "$V"', { env: { V: "a 'b' $c" } })).stdout).toBe("a 'b' $c\n");
    expect((await conn.exec("pwd", { cwd: dir })).stdout).toBe(`${dir}\n`);
    expect(conn.host).toBe("localhost");
  });

  it("kills the command and its children on timeout", async () => {
    const pidFile = join(dir, "child.pid");
    const e = await rejection(conn.exec(`sleep 30 & echo $! >${pidFile}; wait`, { timeoutMs: 300 }));
    expect(e).toBeInstanceOf(CommandTimeoutError);
    const pid = Number(readFileSync(pidFile, "utf8"));
    await new Promise((r) => setTimeout(r, 100));
    expect(running(pid)).toBe(false);
  });

  it("reports signal deaths the way a shell does", async () => {
    expect(await conn.exec("kill -KILL $$")).toEqual({ rc: 137, signal: "SIGKILL", stdout: "", stderr: "" });
  });
});

describe("local put and get", () => {
  it("writes atomically with a mode and reads back", async () => {
    const file = join(dir, "a.conf");
    await conn.put(file, "x = 1\n", { mode: "0600", owner: userInfo().username });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await conn.get(file)).toString()).toBe("x = 1\n");
    expect(readdirSync(dir).filter((f) => f.includes(".infra-"))).toEqual([]);
  });

  it("keeps the mode of the file it replaces", async () => {
    const file = join(dir, "keep.sh");
    writeFileSync(file, "old", { mode: 0o750 });
    await conn.put(file, "new");
    expect(statSync(file).mode & 0o777).toBe(0o750);
    expect(readFileSync(file, "utf8")).toBe("new");
  });

  it("expands ~ in paths and cwd on the host, as Ansible does", async () => {
    const home = new LocalConnection({ env: { ...process.env, HOME: dir } });
    await home.put("~/t.txt", "tilde");
    expect(readFileSync(join(dir, "t.txt"), "utf8")).toBe("tilde");
    expect((await home.get("~/t.txt")).toString()).toBe("tilde");
    expect((await home.exec("pwd", { cwd: "~" })).stdout).toBe(`${dir}\n`);
  });

  it("rejects a nonsense mode before running anything", async () => {
    await expect(conn.put(join(dir, "m"), "x", { mode: "0644; rm -rf /" })).rejects.toThrow(
      /invalid file mode/,
    );
    expect(existsSync(join(dir, "m"))).toBe(false);
  });
});

describe("local become (sudo protocol)", () => {
  it("runs through sudo -u without a password", async () => {
    const r = await withSudo().exec('echo "$FAKE_SUDO_USER"; cat', { become: { user: "bob" }, stdin: "in" });
    expect(r).toEqual({ rc: 0, stdout: "bob\nin", stderr: "" });
  });

  it("answers the prompt, keeps the command's stdin, never leaks the password", async () => {
    const pw = "s3cret 'x'";
    const r = await withSudo(pw).exec("cat; echo e >&2", {
      become: { user: "root", password: pw },
      stdin: "data",
    });
    expect(r).toEqual({ rc: 0, stdout: "data", stderr: "e\n" });
    expect(readFileSync(sudo.log, "utf8")).not.toContain("s3cret");
  });

  it("refuses a wrong password at the second prompt", async () => {
    const e = await rejection(
      withSudo("right").exec("true", { become: { user: "root", password: "wrong" } }),
    );
    expect(e).toBeInstanceOf(BecomeError);
    expect(e.message).toBe("localhost: incorrect sudo password for become user root");
    expect(String(e.stack)).not.toContain("wrong\n");
  });

  it("explains a missing password and an unknown user", async () => {
    const missing = await rejection(withSudo("pw").exec("true", { become: { user: "root" } }));
    expect(missing.message).toMatch(/asks for a password and none was given/);
    const unknown = await rejection(withSudo().exec("true", { become: { user: "nosuch" } }));
    expect(unknown.message).toBe("localhost: could not become nosuch with sudo: sudo: unknown user nosuch");
  });

  it("does not hand the password to the command when sudo does not ask", async () => {
    const r = await withSudo().exec("cat", { become: { user: "root", password: "pw" }, stdin: "only" });
    expect(r.stdout).toBe("only");
  });

  it("puts and gets with become and a password", async () => {
    const c = withSudo("pw");
    const file = join(dir, "become.txt");
    await c.put(file, "via sudo", { become: { user: "root", password: "pw" }, mode: "0640" });
    expect((await c.get(file, { become: { user: "root", password: "pw" } })).toString()).toBe("via sudo");
  });

  it("opens a stream behind sudo", async () => {
    const s = await withSudo("pw").execStream("tr a-z A-Z", { become: { user: "root", password: "pw" } });
    const out: Buffer[] = [];
    s.on("data", (c: Buffer) => out.push(c));
    s.end("hello");
    await new Promise((r) => s.once("end", r));
    expect(Buffer.concat(out).toString()).toBe("HELLO");
    expect(await s.exit).toEqual({ rc: 0 });
  });
});

describe("local forward and close", () => {
  it("forwards to a local TCP port", async () => {
    const server = createServer((s) => s.end("hi"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const sock = await conn.forward("127.0.0.1", port);
    const got = await new Promise<string>((r) => sock.once("data", (c: Buffer) => r(c.toString())));
    server.close();
    expect(got).toBe("hi");
  });

  it("kills running commands on close", async () => {
    const c = new LocalConnection();
    const running = c.exec("sleep 30");
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await c.close();
    expect((await running).signal).toBe("SIGKILL");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(c.alive).toBe(false);
  });
});
