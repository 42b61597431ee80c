import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const root = { user: "root" };

describe.each(MODES)("put (operations via %s)", (mode) => {
  beforeAll(() => {
    conn = connections[mode].conn;
  });

  it("writes content with mode, owner and group in one round trip", async () => {
    const before = conn.stats.roundTrips;
    await conn.put("/etc/infra-test.conf", "a = 1\n", {
      mode: "0640",
      owner: "root",
      group: "ubuntu",
      become: root,
    });
    expect(conn.stats.roundTrips - before).toBe(1);
    expect(lab.sh("stat -c '%U %G %a' /etc/infra-test.conf; cat /etc/infra-test.conf")).toBe(
      "root ubuntu 640\na = 1\n",
    );
  });

  it("accepts a symbolic mode", async () => {
    await conn.put("/tmp/sym.txt", "x", { mode: "u=rw,g=r,o=" });
    expect(lab.sh("stat -c %a /tmp/sym.txt")).toBe("640\n");
  });

  it("keeps an existing file's mode and owner when none is asked for", async () => {
    lab.sh("printf old >/etc/keep.conf && chown ubuntu:sudo /etc/keep.conf && chmod 0604 /etc/keep.conf");
    await conn.put("/etc/keep.conf", "new", { become: root });
    expect(lab.sh("stat -c '%U %G %a' /etc/keep.conf; cat /etc/keep.conf")).toBe("ubuntu sudo 604\nnew");
  });

  it("gives a new file the umask's mode, not mktemp's 0600", async () => {
    await conn.put("/tmp/fresh.txt", "x");
    expect(lab.sh("stat -c '%U %a' /tmp/fresh.txt")).toBe("ubuntu 644\n");
  });

  it("writes binary content byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    await conn.put("/tmp/bin.dat", bytes);
    const sum = lab.sh("sha256sum /tmp/bin.dat").split(" ")[0];
    expect(sum).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("leaves no temp file behind, also when it fails", async () => {
    await expect(conn.put("/root/denied.txt", "x")).rejects.toThrow(/could not write \/root\/denied.txt/);
    await expect(conn.put("/etc/x.conf", "x", { owner: "nosuchuser", become: root })).rejects.toThrow(
      /nosuchuser/,
    );
    expect(lab.sh(String.raw`ls -a /etc /root /tmp | grep -c '^\..*\.infra-' || true`).trim()).toBe("0");
    expect(lab.sh("ls /etc/x.conf 2>&1 || true")).toContain("No such file");
  });

  it("refuses to move into a directory sitting at the destination", async () => {
    lab.sh("mkdir -p /tmp/adir");
    await expect(conn.put("/tmp/adir", "x")).rejects.toThrow(/could not write/);
    expect(lab.sh("ls -A /tmp/adir")).toBe("");
  });

  it("fails clearly when the directory does not exist", async () => {
    await expect(conn.put("/no/such/dir/f", "x")).rejects.toThrow(
      /could not write \/no\/such\/dir\/f: .*No such file/,
    );
  });

  it("is atomic: a reader never sees a partial file", async () => {
    const a = Buffer.alloc(2 << 20, "a");
    const b = Buffer.alloc(3 << 20, "b");
    const sums = new Set([a, b].map((x) => createHash("md5").update(x).digest("hex")));
    await conn.exec("rm -f /tmp/atomic.stop");
    await conn.put("/tmp/atomic.dat", a);
    // A reader on the host checksums the file as fast as it can while we replace it again and again.
    const reader = conn.exec(
      "i=0; while [ $i -lt 400 ] && [ ! -e /tmp/atomic.stop ]; do md5sum </tmp/atomic.dat; i=$((i+1)); done",
    );
    for (let i = 0; i < 10; i++) await conn.put("/tmp/atomic.dat", i % 2 ? a : b);
    await conn.exec("touch /tmp/atomic.stop");
    const seen = (await reader).stdout
      .trim()
      .split("\n")
      .map((l) => l.split(" ")[0]);
    expect(seen.length).toBeGreaterThan(5);
    for (const s of seen) expect(sums.has(s)).toBe(true);
  });
});

describe.each(MODES)("get (operations via %s)", (mode) => {
  beforeAll(() => {
    conn = connections[mode].conn;
  });

  it("reads a file as bytes, with become when needed", async () => {
    expect((await conn.get("/etc/hostname")).toString()).toBe(lab.sh("cat /etc/hostname"));
    const shadow = await conn.get("/etc/shadow", { become: root });
    expect(shadow.toString()).toMatch(/^root:/);
  });

  it("round-trips binary content", async () => {
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31) % 256));
    await conn.put("/tmp/rt.bin", bytes);
    expect((await conn.get("/tmp/rt.bin")).equals(bytes)).toBe(true);
  });

  it("fails clearly for a missing or unreadable file", async () => {
    await expect(conn.get("/nope")).rejects.toThrow(/could not read \/nope: .*No such file/);
    await expect(conn.get("/etc/shadow")).rejects.toThrow(/Permission denied/);
  });
});
