import { describe, expect, it } from "vitest";
import { parseFacts } from "../../../src/engine/facts.js";

const SAMPLE = [
  "nodename=web-1",
  "fqdn=web-1.example.org",
  "machine=x86_64",
  "id=uid=1001(backup) gid=1002(backup) groups=1002(backup),27(sudo)",
  "passwd=backup:x:1001:1002::/home/backup:/bin/bash",
  "vcpus=4",
  "memtotal_kb=8167808",
  "pkg_mgr=apt-get",
  "pid1=systemd",
  "osr_ID=ubuntu",
  'osr_VERSION_ID="22.04"',
  "osr_VERSION_CODENAME=jammy",
  "route=default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.5 metric 100",
  "defdev=eth0",
  "defmac=52:54:00:12:34:56",
  "date=1764745200 UTC",
  "addr=1: lo    inet 127.0.0.1/8 scope host lo",
  "addr=2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global dynamic eth0",
  "addr=3: eth1    inet 192.168.5.7/16 scope global eth1",
  "env_begin",
  "HOME=/root",
  "PATH=/usr/bin:/bin",
].join("\n");

describe("parseFacts", () => {
  const f = parseFacts(SAMPLE);
  it("reads the distribution as Ansible names it", () => {
    expect(f).toMatchObject({
      distribution: "Ubuntu",
      os_family: "Debian",
      distribution_version: "22.04",
      distribution_major_version: "22",
      distribution_release: "jammy",
    });
  });
  it("computes default_ipv4 with gateway, netmask and network", () => {
    expect(f.default_ipv4).toMatchObject({
      address: "10.0.0.5",
      interface: "eth0",
      gateway: "10.0.0.1",
      netmask: "255.255.255.0",
      network: "10.0.0.0",
      broadcast: "10.0.0.255",
      macaddress: "52:54:00:12:34:56",
    });
    expect(f.all_ipv4_addresses).toEqual(["10.0.0.5", "192.168.5.7"]);
  });
  it("reads the user from id and the passwd entry", () => {
    expect(f).toMatchObject({ user_id: "backup", user_uid: 1001, user_gid: 1002, user_shell: "/bin/bash" });
    expect(parseFacts("id=uid=4242 gid=4242 groups=4242\n")).toMatchObject({
      user_id: "4242",
      user_uid: 4242,
    });
  });
  it("derives machine facts", () => {
    expect(f).toMatchObject({
      hostname: "web-1",
      fqdn: "web-1.example.org",
      architecture: "x86_64",
      processor_vcpus: 4,
      memtotal_mb: 7976,
      pkg_mgr: "apt",
      service_mgr: "systemd",
    });
    expect(f).toMatchObject({
      domain: "example.org",
      date_time: { iso8601: "2025-12-03T07:00:00Z", tz: "UTC" },
    });
    expect(f.env).toEqual({ HOME: "/root", PATH: "/usr/bin:/bin" });
  });
});
