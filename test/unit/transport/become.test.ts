import { describe, expect, it } from "vitest";
import { becomeCommand } from "../../../src/transport/become.js";
import { BecomeError } from "../../../src/transport/errors.js";

function parts(command: string) {
  const marker = /INFRA-BECOME-OK-[0-9a-f]+/.exec(command)![0];
  const prompt = /\[sudo via infra, key=[0-9a-f]+\] password:/.exec(command)?.[0];
  return { marker, prompt };
}

describe("becomeCommand", () => {
  it("uses Ansible's default sudo flags without a password", () => {
    const s = becomeCommand("id -un", { user: "postgres" }, "h");
    expect(s.command).toMatch(
      /^sudo -H -S -n -u postgres -- \/bin\/sh -c 'echo INFRA-BECOME-OK-[0-9a-f]+ >&2\nid -un'$/,
    );
    expect(s.holdsInput).toBe(false);
  });

  it("drops -n, keeps -S and sets a unique prompt with a password, which never enters the command", () => {
    const s = becomeCommand("true", { user: "root", password: "hunter2" }, "h");
    expect(s.command).toMatch(/^sudo -H -S -p '\[sudo via infra, key=[0-9a-f]+\] password:' -u root -- /);
    expect(s.command).not.toContain("hunter2");
    expect(s.holdsInput).toBe(true);
    const custom = becomeCommand("true", { user: "root", password: "x", flags: "-H -n" }, "h");
    expect(custom.command).toMatch(/^sudo -H -S -p /);
  });

  it("quotes the user and the script", () => {
    const s = becomeCommand("echo 'a'", { user: "we ird" }, "h");
    expect(s.command).toContain("-u 'we ird' -- /bin/sh -c 'echo INFRA");
    expect(s.command).toContain(`echo '\\''a'\\'''`);
  });

  it("rejects other become methods", () => {
    expect(() => becomeCommand("true", { user: "root", method: "su" as "sudo" }, "h")).toThrow(BecomeError);
  });
});

describe("BecomeGate", () => {
  it("passes through once the marker shows, keeping what follows it", () => {
    const s = becomeCommand("true", { user: "root" }, "h");
    const { marker } = parts(s.command);
    expect(s.gate.feed(Buffer.from(marker.slice(0, 10)))).toEqual({ kind: "wait" });
    const step = s.gate.feed(Buffer.from(`${marker.slice(10)}\nwarning: x\n`));
    expect(step).toEqual({ kind: "opened", rest: Buffer.from("warning: x\n") });
    expect(s.gate.opened).toBe(true);
  });

  it("answers the first prompt, refuses at the second", () => {
    const s = becomeCommand("true", { user: "root", password: "pw" }, "web1");
    const { prompt } = parts(s.command);
    expect(s.gate.feed(Buffer.from(`lecture\n${prompt}`))).toEqual({ kind: "send-password", data: "pw\n" });
    const again = s.gate.feed(Buffer.from(`\nSorry, try again.\n${prompt}`));
    expect(again.kind).toBe("refused");
    expect(again.kind === "refused" && again.error.message).toBe(
      "web1: incorrect sudo password for become user root",
    );
  });

  it("opens after the password was accepted, even with prompt and marker in one chunk", () => {
    const s = becomeCommand("true", { user: "root", password: "pw" }, "h");
    const { prompt, marker } = parts(s.command);
    expect(s.gate.feed(Buffer.from(prompt!)).kind).toBe("send-password");
    expect(s.gate.feed(Buffer.from(`\n${marker}\nout`))).toEqual({
      kind: "opened",
      rest: Buffer.from("out"),
    });
  });

  it("explains failures from sudo's own words", () => {
    const need = becomeCommand("true", { user: "root" }, "h");
    need.gate.feed(Buffer.from("sudo: a password is required\n"));
    expect(need.gate.failure(1).message).toBe(
      "h: could not become root with sudo: sudo asks for a password and none was given",
    );
    const missing = becomeCommand("true", { user: "root" }, "h");
    missing.gate.feed(Buffer.from("sh: 1: sudo: not found\n"));
    expect(missing.gate.failure(127).message).toMatch(/sudo is not installed/);
    const other = becomeCommand("true", { user: "root" }, "h");
    other.gate.feed(Buffer.from("ubuntu is not in the sudoers file.\n"));
    expect(other.gate.failure(1).message).toBe(
      "h: could not become root with sudo: ubuntu is not in the sudoers file.",
    );
  });
});
