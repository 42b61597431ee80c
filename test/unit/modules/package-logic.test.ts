/**
 * Pure decisions of apt, pip and service: dpkg version order (cases from dpkg's own test suite), fnmatch, reading
 * `apt-cache policy`, Ansible's package_status, pip's name recovery and requirement matching, and how a SysV
 * `service NAME status` answer is read.
 */
import { describe, expect, it } from "vitest";
import { packageSplit, packageStatus, parseDiff, type PkgFacts } from "../../../src/modules/apt.js";
import { isPresent, parseRequirement, recoverPackageNames } from "../../../src/modules/pip.js";
import { psRunning, sysvRunning } from "../../../src/modules/service.js";
import { parseSystemctlShow } from "../../../src/modules/systemd.js";
import { compareVersions, fnmatch, parsePolicy } from "../../../src/modules/util/deb-version.js";

describe("Debian versions", () => {
  it("orders as dpkg --compare-versions", () => {
    const lt: [string, string][] = [
      ["1.0", "1.1"],
      ["1.0~rc1", "1.0"],
      ["1.0", "1.0-1"],
      ["1.0-1", "1.0-1+b1"],
      ["9", "1:0"],
      ["1.2a", "1.2b"],
      ["1.2", "1.2a"],
      ["5.02-1", "5.10-1"],
    ];
    for (const [a, b] of lt) {
      expect(compareVersions(a, b), `${a} < ${b}`).toBeLessThan(0);
      expect(compareVersions(b, a), `${b} > ${a}`).toBeGreaterThan(0);
    }
    expect(compareVersions("1.0-1", "1.0-1")).toBe(0);
    expect(compareVersions("0:1.0", "1.0")).toBe(0);
  });
  it("fnmatch as Python's", () => {
    expect(fnmatch("5.02-1+b1", "5.02*")).toBe(true);
    expect(fnmatch("libc6", "libc?")).toBe(true);
    expect(fnmatch("abc", "a[!b]c")).toBe(false);
    expect(fnmatch("a.c", "a?c")).toBe(true);
    expect(fnmatch("x+y", "x+y")).toBe(true);
  });
});

const POLICY = `sl:
  Installed: (none)
  Candidate: 5.02-1+b1
  Version table:
     5.02-1+b1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
cron:
  Installed: 3.0pl1-162
  Candidate: 3.0pl1-163
  Version table:
     3.0pl1-163 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
 *** 3.0pl1-162 100
        100 /var/lib/dpkg/status
mail-transport-agent:
  Installed: (none)
  Candidate: (none)
  Version table:
`;

describe("apt decisions", () => {
  const facts: PkgFacts = {
    policy: parsePolicy(POLICY),
    dpkg: new Map([
      ["cron", { status: "i", version: "3.0pl1-162" }],
      ["old", { status: "c", version: "1" }],
    ]),
  };
  it("reads apt-cache policy", () => {
    expect(facts.policy.get("cron")).toEqual({
      installed: "3.0pl1-162",
      candidate: "3.0pl1-163",
      versions: ["3.0pl1-163", "3.0pl1-162"],
    });
  });
  it("package_status: installed, version match, what can be installed, files left", () => {
    expect(packageStatus(facts, "sl", null, null, "install")).toEqual([false, false, "5.02-1+b1", false]);
    expect(packageStatus(facts, "cron", null, null, "install")).toEqual([true, true, "3.0pl1-163", true]);
    expect(packageStatus(facts, "cron", "=", "3.0pl1-162", "install")).toEqual([true, true, null, true]);
    expect(packageStatus(facts, "cron", ">=", "4", "install")).toEqual([true, false, null, true]);
    expect(packageStatus(facts, "mail-transport-agent", null, null, "install")).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(() => packageStatus(facts, "nope", null, null, "install")).toThrow(
      "No package matching 'nope' is available",
    );
    expect(packageStatus(facts, "nope", null, null, "remove")).toEqual([false, false, null, false]);
  });
  it("splits specs and cuts apt-get's output for the diff", () => {
    expect(packageSplit("sl=5.02*")).toEqual(["sl", "=", "5.02*"]);
    expect(packageSplit("sl>=5")).toEqual(["sl", ">=", "5"]);
    expect(packageSplit("sl")).toEqual(["sl", null, null]);
    const out =
      "Reading package lists...\nReading state information...\nThe following NEW packages will be installed:\n  sl\n0 upgraded, 1 newly installed, 0 to remove\nInst sl\n";
    expect(parseDiff(out)).toEqual({
      prepared:
        "The following NEW packages will be installed:\n  sl\n0 upgraded, 1 newly installed, 0 to remove",
    });
  });
});

describe("pip decisions", () => {
  it("recovers names split at commas", () => {
    expect(
      recoverPackageNames(["django>1.11.1", "<1.11.3", "ipaddress", "simpleproject>1.1.0", "<2.0.0"]),
    ).toEqual(["django>1.11.1,<1.11.3", "ipaddress", "simpleproject>1.1.0,<2.0.0"]);
    expect(recoverPackageNames(["requests[security,socks]"])).toEqual(["requests[security,socks]"]);
  });
  it("checks requirements against pip list --format=freeze", () => {
    const listed = ["Django==4.2.1", "six==1.16.0"];
    expect(isPresent(parseRequirement("django>=4"), listed)).toBe(true);
    expect(isPresent(parseRequirement("django", "4.2.1"), listed)).toBe(true);
    expect(isPresent(parseRequirement("Django<4"), listed)).toBe(false);
    expect(isPresent(parseRequirement("six~=1.15"), listed)).toBe(true);
    expect(isPresent(parseRequirement("requests"), listed)).toBe(false);
    expect(parseRequirement("requests >= 2.0").text).toBe("requests>=2.0");
  });
});

describe("service status", () => {
  it("reads SysV answers as Ansible's get_service_status", () => {
    expect(sysvRunning("cron", 0, "cron is running.\n")).toBe(true);
    expect(sysvRunning("cron", 3, "cron is not running ... failed!\n")).toBe(false);
    expect(sysvRunning("x", 0, "x: stopped\n")).toBe(false);
    expect(sysvRunning("x", 0, "line\nline\nline\n")).toBe(true);
    expect(sysvRunning("x", 5, "a\nb\nc\n")).toBe(null);
  });
  it("check_ps skips our own command line", () => {
    expect(psRunning("root 1 sh -c : pattern=; ps auxww mysqld\n", "mysqld")).toBe(false);
    expect(psRunning("mysql 9 /usr/sbin/mariadbd\n", "mariadbd")).toBe(true);
  });
  it("parses systemctl show with multi-line Exec values", () => {
    const s = parseSystemctlShow([
      "ActiveState=active",
      "ExecStart={ path=/bin/x ;",
      " argv[]=/bin/x }",
      "Description={weird",
    ]);
    expect(s).toEqual({
      ActiveState: "active",
      ExecStart: "{ path=/bin/x ;\n argv[]=/bin/x }",
      Description: "{weird",
    });
  });
});
