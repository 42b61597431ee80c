import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { connect, run, sh } from "./helpers.js";

const H = "mysql-1";
const DIR = "/tmp/infra-modtest-command";
let conn: SshConnection;

beforeAll(async () => {
  conn = await connect(H);
  await sh(H, `rm -rf ${DIR} && mkdir -p ${DIR}`);
});
afterAll(async () => {
  await sh(H, `rm -rf ${DIR}`);
  await conn?.close();
});

describe("command", () => {
  it("runs a program without a shell and reports Ansible's fields", async () => {
    const r = await run("command", { _raw_params: "echo 'a  b' $HOME" }, conn);
    expect(r).toMatchObject({
      changed: true,
      rc: 0,
      stdout: "a  b $HOME",
      stderr: "",
      cmd: ["echo", "a  b", "$HOME"],
      msg: "",
    });
    expect(r.stdout_lines).toEqual(["a  b $HOME"]);
    expect(r.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(r.delta).toMatch(/^0:00:\d\d(\.\d{6})?$/);
  });

  it("takes argv, chdir and stdin", async () => {
    const r = await run("command", { argv: ["cat"], stdin: "hello", chdir: DIR }, conn);
    expect(r.stdout).toBe("hello");
    const pwd = await run("ansible.builtin.command", { cmd: "pwd", chdir: DIR }, conn);
    expect(pwd.stdout).toBe(DIR);
  });

  it("fails on a non-zero rc, a missing program and a missing chdir as Ansible", async () => {
    const r = await run("command", { _raw_params: "false" }, conn);
    expect(r).toMatchObject({ failed: true, changed: true, rc: 1, msg: "non-zero return code" });
    const missing = await run("command", { _raw_params: "no-such-program-x" }, conn);
    expect(missing).toMatchObject({
      failed: true,
      rc: 2,
      msg: "[Errno 2] No such file or directory: b'no-such-program-x'",
    });
    const cd = await run("command", { _raw_params: "pwd", chdir: "/nope" }, conn);
    expect(cd.msg).toBe(
      "Unable to change directory before execution: [Errno 2] No such file or directory: b'/nope'",
    );
    const none = await run("command", {}, conn);
    expect(none).toMatchObject({ failed: true, rc: 256, msg: "no command given" });
  });

  it("skips with creates/removes (globs), and honours them in check mode", async () => {
    await sh(H, `touch ${DIR}/made.1`);
    const c = await run("command", { _raw_params: `touch ${DIR}/never`, creates: `${DIR}/made.*` }, conn);
    expect(c).toMatchObject({
      changed: false,
      rc: 0,
      msg: `Did not run command since '${DIR}/made.*' exists`,
    });
    expect(c.stdout).toBe(`skipped, since ${DIR}/made.* exists`);
    const rm = await run("command", { _raw_params: "true", removes: `${DIR}/gone` }, conn, { check: true });
    expect(rm.msg).toBe(`Would not run command since '${DIR}/gone' does not exist`);
    const would = await run("command", { _raw_params: `touch ${DIR}/never`, creates: `${DIR}/x` }, conn, {
      check: true,
    });
    expect(would).toMatchObject({ changed: true, rc: 0, msg: "Command would have run if not in check mode" });
    expect(would.skipped).toBeUndefined();
    expect(await sh(H, `ls ${DIR}`)).toBe("made.1\n");
  });

  it("is skipped in check mode without creates/removes, exactly as Ansible", async () => {
    const r = await run("command", { _raw_params: `touch ${DIR}/never` }, conn, { check: true });
    expect(r).toEqual({
      changed: false,
      skipped: true,
      rc: 0,
      msg: "Command would have run if not in check mode",
      stdout: "",
      stderr: "",
      cmd: ["touch", `${DIR}/never`],
      start: null,
      end: null,
      delta: null,
      stdout_lines: [],
      stderr_lines: [],
    });
  });

  it("rejects unknown arguments with Ansible's message", async () => {
    const r = await run("command", { _raw_params: "true", bogus: 1 }, conn);
    expect(r.failed).toBe(true);
    expect(r.msg).toMatch(
      /^Unsupported parameters for \(command\) module: bogus\. Supported parameters include: _raw_params, argv/,
    );
  });
});

describe("shell and raw", () => {
  it("shell runs through /bin/sh or the executable, with become", async () => {
    const r = await run("shell", { _raw_params: "echo $((1+2)) | tr 3 x; id -u" }, conn, { become: true });
    expect(r.stdout_lines).toEqual(["x", "0"]);
    const bash = await run("shell", { cmd: "echo ${BASH_VERSION:+bash}", executable: "/bin/bash" }, conn);
    expect(bash.stdout).toBe("bash");
    const strip = await run(
      "shell",
      { cmd: "printf 'a\\n\\n'; printf 'e\\n' >&2", strip_empty_ends: false },
      conn,
    );
    expect(strip).toMatchObject({ stdout: "a\n\n", stderr: "e\n" });
  });

  it("raw runs the text as is, fails on rc, and is skipped in check mode", async () => {
    const r = await run("raw", { _raw_params: "echo raw; exit 3" }, conn);
    expect(r).toMatchObject({
      changed: true,
      rc: 3,
      stdout: "raw\n",
      failed: true,
      msg: "non-zero return code",
    });
    expect(await run("raw", { _raw_params: "touch /tmp/never" }, conn, { check: true })).toEqual({
      changed: false,
      skipped: true,
    });
  });
});
