/** Our one-round-trip facts against Ansible's setup module on the same host. */
import { describe, expect, it } from "vitest";
import { gatherFacts } from "../../../src/engine/facts.js";
import { ConnectionPool } from "../../../src/transport/pool.js";
import { run } from "../../../src/util/exec.js";
import { lab, labConnectionVars } from "../lab-helpers.js";

const COMPARED = [
  "hostname",
  "nodename",
  "fqdn",
  "system",
  "kernel",
  "architecture",
  "machine",
  "user_id",
  "user_uid",
  "user_dir",
  "processor_vcpus",
  "memtotal_mb",
  "pkg_mgr",
  "distribution",
  "distribution_release",
  "distribution_version",
  "distribution_major_version",
  "os_family",
  "all_ipv4_addresses",
  "machine_id",
];

describe("facts", () => {
  it("match Ansible's setup module for the facts playbooks use, in one round trip", async () => {
    const pool = new ConnectionPool({});
    try {
      const conn = await pool.get("influx-1", labConnectionVars("influx-1"));
      const before = conn.stats.roundTrips;
      const ours = await gatherFacts(conn);
      expect(conn.stats.roundTrips - before).toBe(1);
      const r = await run("ansible", ["-i", lab().inventory, "influx-1", "-m", "setup"], {
        env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
      });
      expect(r.code, r.stderr).toBe(0);
      const theirs = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))).ansible_facts as Record<
        string,
        unknown
      >;
      for (const key of COMPARED) expect(ours[key], key).toEqual(theirs[`ansible_${key}`]);
      const dv4 = theirs.ansible_default_ipv4 as Record<string, unknown>;
      const ourDv4 = ours.default_ipv4 as Record<string, unknown>;
      for (const key of [
        "address",
        "interface",
        "gateway",
        "netmask",
        "network",
        "broadcast",
        "prefix",
        "macaddress",
      ]) {
        expect(ourDv4[key], `default_ipv4.${key}`).toEqual(dv4[key]);
      }
    } finally {
      await pool.closeAll();
    }
  });
});
