import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { parseSshArgv, splitSshArgs } from "../../../src/transport/ssh-args.js";

const parse = (text: string) => parseSshArgv(splitSshArgs(text, "test"), "test");

describe("ssh arguments", () => {
  it("honours known_hosts files and StrictHostKeyChecking in their spellings", () => {
    expect(parse("-o UserKnownHostsFile=/tmp/kh -o StrictHostKeyChecking=no")).toEqual({
      knownHostsFiles: ["/tmp/kh"],
      hostKeyChecking: false,
    });
    expect(parse('-o "UserKnownHostsFile ~/a /b" -oStrictHostKeyChecking=accept-new')).toEqual({
      knownHostsFiles: [`${homedir()}/a`, "/b"],
      hostKeyChecking: "accept-new",
    });
    expect(parse("-o UserKnownHostsFile=/dev/null -o stricthostkeychecking=yes")).toEqual({
      knownHostsFiles: [],
      hostKeyChecking: true,
    });
  });

  it("keeps the first value of an option, as ssh does", () => {
    expect(parse("-o Port=2222 -p 22 -o User=a -l b").port).toBe(2222);
    expect(parse("-o Port=2222 -p 22 -o User=a -l b").user).toBe("a");
  });

  it("reads ports, users, keys, timeouts and keepalives", () => {
    expect(parse('-p2200 -l deploy -i ~/.ssh/k -o IdentityFile="/x y" -o ConnectTimeout=3')).toEqual({
      port: 2200,
      user: "deploy",
      identityFiles: [`${homedir()}/.ssh/k`, "/x y"],
      connectTimeoutMs: 3000,
    });
    expect(parse("-o ServerAliveInterval=30 -o ServerAliveCountMax=5")).toEqual({
      keepaliveIntervalMs: 30_000,
      keepaliveCountMax: 5,
    });
  });

  it("ignores OpenSSH-only tuning and flags without values", () => {
    expect(parse("-C -o ControlPath=/x/%C -4 -v -o ProxyCommand=none")).toEqual({});
  });

  it("reads ControlMaster and ControlPersist in ssh's spellings", () => {
    expect(parse("-C -o ControlMaster=auto -o ControlPersist=60s")).toEqual({
      controlMaster: true,
      controlPersistS: 60,
    });
    expect(parse("-o ControlMaster=no -o ControlPersist=yes")).toEqual({
      controlMaster: false,
      controlPersistS: 86_400,
    });
    expect(parse("-o ControlPersist=1h30m").controlPersistS).toBe(5400);
    expect(parse("-o ControlPersist=90").controlPersistS).toBe(90);
    expect(parse("-o ControlPersist=no").controlPersistS).toBe(0);
    expect(parse("-o ControlPersist=10m -o ControlPersist=5s").controlPersistS).toBe(600);
    expect(() => parse("-o ControlPersist=soon")).toThrow(/test: ControlPersist must be yes, no or a time/);
    expect(() => parse("-o ControlPersist=5x")).toThrow(/ControlPersist must be/);
  });

  it("refuses proxies, bad values and shell operators with the source named", () => {
    expect(() => parse("-J bastion")).toThrow(/test: ProxyJump is not supported/);
    expect(() => parse("-o ProxyCommand='ssh -W %h:%p b'")).toThrow(/ProxyCommand is not supported/);
    expect(() => parse("-o Port=abc")).toThrow(/Port must be a whole number/);
    expect(() => parse("-o StrictHostKeyChecking=maybe")).toThrow(/yes, no or accept-new/);
    expect(() => parse("-o")).toThrow(/needs a value/);
    expect(() => splitSshArgs("-o A=b; rm -rf /", "vars")).toThrow(/vars: shell operators/);
    expect(() => splitSshArgs("-o A=b; rm -rf /", "again")).toThrow(/again: shell operators/);
  });

  it("splits a text once per run and hands every caller its own copy", () => {
    const first = splitSshArgs("-o 'User=a b' -C", "one");
    expect(first).toEqual(["-o", "User=a b", "-C"]);
    first.push("-v");
    expect(splitSshArgs("-o 'User=a b' -C", "two")).toEqual(["-o", "User=a b", "-C"]);
  });
});
