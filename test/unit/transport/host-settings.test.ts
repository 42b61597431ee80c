import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { becomePassword, hostSettings } from "../../../src/transport/host-settings.js";
import { VaultString } from "../../../src/vault/vault-string.js";

describe("hostSettings", () => {
  it("defaults to ssh on port 22 as the local user, host key checking on, 10 s timeout", () => {
    expect(hostSettings("web1", {})).toEqual({
      kind: "ssh",
      name: "web1",
      ssh: {
        name: "web1",
        host: "web1",
        port: 22,
        user: userInfo().username,
        hostKeyChecking: true,
        connectTimeoutMs: 10_000,
      },
    });
  });

  it("asks for a kept connection where ssh_args give ControlMaster with ControlPersist, as Ansible's default does", () => {
    const ansibleDefault = "-C -o ControlMaster=auto -o ControlPersist=60s";
    expect(hostSettings("web1", {}, { sshArgs: ansibleDefault })).toMatchObject({
      kind: "ssh",
      persistS: 60,
    });
    expect(hostSettings("web1", { ansible_ssh_args: "-C" }, { sshArgs: ansibleDefault })).not.toHaveProperty(
      "persistS",
    );
    for (const sshArgs of ["-C", "-o ControlPersist=60s", "-o ControlMaster=auto -o ControlPersist=no"])
      expect(hostSettings("web1", {}, { sshArgs })).not.toHaveProperty("persistS");
  });

  it("reads Ansible's connection variables", () => {
    const s = hostSettings("web1", {
      ansible_host: "10.0.0.5",
      ansible_port: 2222,
      ansible_user: "ubuntu",
      ansible_ssh_private_key_file: "/keys/id",
      ansible_password: "pw",
    });
    expect(s).toMatchObject({
      kind: "ssh",
      ssh: { host: "10.0.0.5", port: 2222, user: "ubuntu", privateKeyPath: "/keys/id", password: "pw" },
    });
  });

  it("lets the last alias win, as Ansible's config manager does", () => {
    const s = hostSettings("h", {
      ansible_host: "a",
      ansible_ssh_host: "b",
      ansible_port: "22",
      ansible_ssh_port: 23,
    });
    expect(s).toMatchObject({ ssh: { host: "b", port: 23 } });
    expect(hostSettings("h", { ansible_password: "a", ansible_ssh_pass: "b" })).toMatchObject({
      ssh: { password: "b" },
    });
  });

  it("chooses the local connection", () => {
    expect(hostSettings("localhost", { ansible_connection: "local" })).toEqual({
      kind: "local",
      name: "localhost",
    });
    expect(() => hostSettings("w", { ansible_connection: "winrm" })).toThrow(/"winrm" is not supported/);
  });

  it("honours ssh_common_args / ssh_extra_args known_hosts and checking options", () => {
    const s = hostSettings("h", {
      ansible_ssh_common_args: "-o UserKnownHostsFile=/lab/kh",
      ansible_ssh_extra_args: "-o StrictHostKeyChecking=no",
    });
    expect(s).toMatchObject({ ssh: { knownHostsFiles: ["/lab/kh"], hostKeyChecking: false } });
  });

  it("puts variables before ssh_common_args, as Ansible orders its ssh command", () => {
    const s = hostSettings("h", { ansible_port: 2200, ansible_ssh_common_args: "-o Port=2300 -o User=x" });
    expect(s).toMatchObject({ ssh: { port: 2200, user: "x" } });
  });

  it("applies host_key_checking and timeout from the configuration, variables first", () => {
    expect(hostSettings("h", {}, { hostKeyChecking: false, timeout: 3 })).toMatchObject({
      ssh: { hostKeyChecking: false, connectTimeoutMs: 3000 },
    });
    // host_key_checking = False beats StrictHostKeyChecking=yes given later, as in Ansible's argv.
    const off = hostSettings(
      "h",
      { ansible_ssh_common_args: "-o StrictHostKeyChecking=yes" },
      { hostKeyChecking: false },
    );
    expect(off).toMatchObject({ ssh: { hostKeyChecking: false } });
    expect(hostSettings("h", { ansible_host_key_checking: "no" })).toMatchObject({
      ssh: { hostKeyChecking: false },
    });
    expect(hostSettings("h", { ansible_ssh_timeout: 2 }, { timeout: 9 })).toMatchObject({
      ssh: { connectTimeoutMs: 2000 },
    });
  });

  it("takes remote_user and private_key_file from the configuration when the host says nothing", () => {
    const s = hostSettings("h", {}, { remoteUser: "admin", privateKeyFile: "/k" });
    expect(s).toMatchObject({ ssh: { user: "admin", privateKeyPath: "/k" } });
  });

  it("rejects values of the wrong kind with the variable named", () => {
    expect(() => hostSettings("h", { ansible_port: "ssh" })).toThrow(/h: ansible_port must be a port number/);
    expect(() => hostSettings("h", { ansible_user: ["a"] })).toThrow(
      /ansible_user must be a string, got a list/,
    );
    expect(() => hostSettings("h", { ansible_password: new VaultString("x") })).toThrow(
      /vaulted value that was not decrypted/,
    );
    expect(() => hostSettings("h", { ansible_host_key_checking: "maybe" })).toThrow(/must be a boolean/);
  });
});

describe("becomePassword", () => {
  it("reads ansible_become_password and its aliases", () => {
    expect(becomePassword("h", {})).toBeUndefined();
    expect(becomePassword("h", { ansible_become_password: "a" })).toBe("a");
    expect(becomePassword("h", { ansible_become_password: "a", ansible_sudo_pass: "c" })).toBe("c");
  });
});
