/**
 * The control master (transport/control-master.ts) on a real lab host, through the CLI: a run after a run reuses
 * its SSH connection (the host's sshd process for it is the same), only where the ssh arguments ask for it, never
 * past a host key check the run would fail, and a master that died or cannot be placed safely costs nothing but
 * the speed. Each test gets a runtime directory of its own, so its master is its own.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../../src/util/exec.js";
import { infra } from "../engine/course-helpers.js";
import { connectKept } from "../../../src/transport/control-client.js";
import { BecomeError, CommandTimeoutError } from "../../../src/transport/errors.js";
import { hostSettings } from "../../../src/transport/host-settings.js";
import { lab, labConnectionVars, labHost } from "../lab-helpers.js";

const PLAY = `- hosts: mysql-1
  gather_facts: false
  tasks:
    - name: the sshd process this connection runs under
      shell: |
        p=$$
        while [ "$p" -gt 1 ]; do
          [ "$(cat /proc/$p/comm)" = sshd ] && { echo "SSHD=$p"; exit 0; }
          p=$(cut -d' ' -f4 /proc/$p/stat)
        done
      register: r
      changed_when: false
    - debug:
        msg: "{{ r.stdout }}"
    - name: root through sudo, kept as well
      command: id -u
      become: true
      changed_when: false
`;

const dirs: string[] = [];

/** A repository with the lab's inventory, the play above and `sshArgs` as ansible.cfg's ssh_args (or none). */
function repo(sshArgs?: string): { cwd: string; xdg: string } {
  const cwd = mkdtempSync(join(tmpdir(), "infra-cm-"));
  const xdg = join(cwd, "run");
  mkdirSync(xdg, { mode: 0o700 });
  dirs.push(cwd);
  writeFileSync(join(cwd, "hosts"), readFileSync(lab().inventory, "utf8"));
  writeFileSync(join(cwd, "play.yml"), PLAY);
  const cfg = ["[defaults]", "host_key_checking = True", "gathering = explicit"];
  if (sshArgs !== undefined) cfg.push("[ssh_connection]", `ssh_args = ${sshArgs}`);
  writeFileSync(join(cwd, "ansible.cfg"), cfg.join("\n") + "\n");
  return { cwd, xdg };
}

/** One run; its exit code, output and the pid of the host's sshd process that served it. */
async function apply(r: { cwd: string; xdg: string }, env: NodeJS.ProcessEnv = {}, inventory = "hosts") {
  const res = await infra(r.cwd, ["apply", "-i", inventory, "play.yml"], { XDG_RUNTIME_DIR: r.xdg, ...env });
  return { ...res, sshd: /SSHD=(\d+)/.exec(res.stdout)?.[1] };
}

async function masters(xdg: string): Promise<string[]> {
  const r = await run("pgrep", ["-f", `__control-master ${xdg}/`]);
  return r.stdout.split("\n").filter(Boolean);
}

function sockets(xdg: string): string[] {
  const dir = join(xdg, `infra-${process.getuid!()}`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sock")) : [];
}

afterEach(async () => {
  for (const d of dirs.splice(0)) await run("pkill", ["-f", `__control-master ${d}/`]);
});

describe("control master", () => {
  it("keeps the connection between runs where ssh_args ask for ControlPersist (Ansible's default)", async () => {
    const r = repo();
    const first = await apply(r);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const second = await apply(r);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(first.sshd).toBeDefined();
    expect(second.sshd).toBe(first.sshd);
    expect(await masters(r.xdg)).toHaveLength(1);
    expect(sockets(r.xdg)).toHaveLength(1);
    // Without it, as with INFRA_CONTROL_MASTER=0, every run logs in anew.
    const direct = await apply(r, { INFRA_CONTROL_MASTER: "0" });
    expect(direct.code).toBe(0);
    expect(direct.sshd).not.toBe(first.sshd);
  });

  it("starts no master when ssh_args do not ask for one, or say ControlPersist=no", async () => {
    for (const args of ["-C", "-o ControlMaster=auto -o ControlPersist=no"]) {
      const r = repo(args);
      const first = await apply(r);
      const second = await apply(r);
      expect(first.code, first.stderr).toBe(0);
      expect(second.sshd).not.toBe(first.sshd);
      expect(sockets(r.xdg)).toEqual([]);
      expect(await masters(r.xdg)).toEqual([]);
    }
  });

  it("checks the host key anew for a run whose known_hosts does not list it, connection kept or not", async () => {
    const r = repo();
    expect((await apply(r)).code).toBe(0);
    const port = labHost("mysql-1").port;
    // Another key under the host's name: the run must refuse the host, as a direct connection would.
    const wrong = join(r.cwd, "wrong_known_hosts");
    const other = readFileSync(join(lab().home, "known_hosts"), "utf8")
      .split("\n")
      .find((l) => l.trim() && !l.startsWith(`[127.0.0.1]:${port} `))!
      .replace(/^\S+/, `[127.0.0.1]:${port}`);
    writeFileSync(wrong, other + "\n");
    writeFileSync(
      join(r.cwd, "hosts-wrong"),
      readFileSync(join(r.cwd, "hosts"), "utf8").replace(
        /UserKnownHostsFile=\S+'/,
        `UserKnownHostsFile=${wrong}'`,
      ),
    );
    const refused = await apply(r, {}, "hosts-wrong");
    expect(refused.code).toBe(4);
    const fatal = (out: string) => out.split("\n").find((l) => l.startsWith("fatal:"));
    expect(fatal(refused.stdout)).toMatch(/UNREACHABLE: REMOTE HOST IDENTIFICATION HAS CHANGED/);
    // Word for word what a direct connection says.
    const direct = await apply(r, { INFRA_CONTROL_MASTER: "0" }, "hosts-wrong");
    expect(fatal(refused.stdout)).toBe(fatal(direct.stdout));
  });

  it("replaces a master that was killed, and still runs when none can be started safely", async () => {
    const r = repo();
    const first = await apply(r);
    expect(first.code).toBe(0);
    const [pid] = await masters(r.xdg);
    process.kill(Number(pid), "SIGKILL");
    const second = await apply(r);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.sshd).not.toBe(first.sshd);
    expect((await masters(r.xdg)).filter((p) => p !== pid)).toHaveLength(1);

    // A socket directory others may enter is not used: the runs connect directly.
    const open = repo();
    const dir = join(open.xdg, `infra-${process.getuid!()}`);
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const a = await apply(open);
    const b = await apply(open);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.sshd).not.toBe(a.sshd);
    expect(sockets(open.xdg)).toEqual([]);
  });

  it("exits once idle for ControlPersist, taking its socket with it", async () => {
    const r = repo("-o ControlMaster=auto -o ControlPersist=2s");
    expect((await apply(r)).code).toBe(0);
    expect(await masters(r.xdg)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(await masters(r.xdg)).toEqual([]);
    expect(sockets(r.xdg)).toEqual([]);
  });

  it("meta: reset_connection logs in again, so the next task sees a group just given to the login user", async () => {
    const r = repo();
    const play = `- hosts: mysql-1
  gather_facts: false
  tasks:
    - group: { name: infra_cm_reset }
      become: true
    - user: { name: ubuntu, groups: infra_cm_reset, append: true }
      become: true
    - meta: reset_connection
    - command: id -Gn
      register: g
      changed_when: false
    - debug:
        msg: "GROUPS={{ g.stdout }}"
    - command: gpasswd -d ubuntu infra_cm_reset
      become: true
    - group: { name: infra_cm_reset, state: absent }
      become: true
`;
    writeFileSync(join(r.cwd, "reset.yml"), play);
    for (const env of [{}, { INFRA_CONTROL_MASTER: "0" }]) {
      const warm = await apply(r, env); // a kept connection (and login helper) from before, where kept
      expect(warm.code).toBe(0);
      const res = await infra(r.cwd, ["apply", "-i", "hosts", "reset.yml"], {
        XDG_RUNTIME_DIR: r.xdg,
        ...env,
      });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(/GROUPS=([^"]*)/.exec(res.stdout)?.[1]?.split(" ")).toContain("infra_cm_reset");
    }
    // The kept connection was closed by the reset: the next run logs in afresh, then keeps that one.
    const a = await apply(r);
    const b = await apply(r);
    expect(b.sshd).toBe(a.sshd);
  });

  it("forwards every kind of operation, streams and errors included, as a direct connection has them", async () => {
    const r = repo();
    const before = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = r.xdg;
    try {
      const settings = hostSettings("mysql-1", labConnectionVars("mysql-1"));
      if (settings.kind !== "ssh") throw new Error("expected ssh settings");
      const conn = await connectKept(settings.ssh, 60);
      expect(conn.constructor.name).toBe("KeptConnection");
      expect(await conn.exec("cat; echo err >&2; exit 3", { stdin: "in" })).toEqual({
        rc: 3,
        stdout: "in",
        stderr: "err\n",
      });
      const root = { user: "root" };
      expect((await conn.exec("id -u", { become: root })).stdout).toBe("0\n");
      const bytes = Buffer.from([0, 1, 2, 255, 10]);
      await conn.put("/tmp/infra-cm-put", bytes, { mode: "0600", become: root });
      expect(await conn.get("/tmp/infra-cm-put", { become: root })).toEqual(bytes);
      expect((await conn.exec("stat -c %a /tmp/infra-cm-put", { become: root })).stdout).toBe("600\n");
      const py = await conn.python!("w(b'a')\0w(b'b')");
      expect(py?.stdout).toBe("ab");
      const py2 = await conn.python!("w(b'a')\0w(b'c')"); // the shared part by its id this time
      expect(py2?.stdout).toBe("ac");
      await expect(conn.exec("sleep 5", { timeoutMs: 300 })).rejects.toBeInstanceOf(CommandTimeoutError);
      await expect(conn.exec("true", { become: { user: "no-such-user-x" } })).rejects.toBeInstanceOf(
        BecomeError,
      );

      const stream = await conn.execStream("cat; echo done >&2; exit 4");
      let out = "";
      let err = "";
      stream.on("data", (d: Buffer) => (out += d));
      stream.stderr.on("data", (d: Buffer) => (err += d));
      stream.end("through the master\n");
      expect(await stream.exit).toEqual({ rc: 4 });
      expect([out, err]).toEqual(["through the master\n", "done\n"]);

      // sshd's own banner, through a forwarded TCP stream from the host to itself.
      const tunnel = await conn.forward!("127.0.0.1", 22);
      const banner = await new Promise<string>((resolve) =>
        tunnel.once("data", (d: Buffer) => resolve(String(d))),
      );
      tunnel.destroy();
      expect(banner).toMatch(/^SSH-2.0-OpenSSH/);
      await conn.close();
      expect(conn.alive).toBe(false);
    } finally {
      if (before === undefined) delete process.env.XDG_RUNTIME_DIR;
      else process.env.XDG_RUNTIME_DIR = before;
    }
  });
});
