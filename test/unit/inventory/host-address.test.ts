/**
 * parseAddress and isIpAddress against Ansible's own parse_address and address patterns (Debian's ansible-core),
 * on generated names: mostly ASCII, which takes the ASCII fast paths, and some with non-ASCII letters, which take
 * the Unicode patterns.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddressError, isIpAddress, parseAddress } from "../../../src/inventory/host-address.js";

const PYTHON = "/usr/bin/python3";
const hasAnsible = spawnSync(PYTHON, ["-c", "import ansible.parsing.utils.addresses"]).status === 0;

const PY = String.raw`
import json, sys
from ansible.parsing.utils.addresses import parse_address, patterns
out = []
for s in json.load(sys.stdin):
    r = {"ip": bool(patterns["ipv4"].match(s) or patterns["ipv6"].match(s))}
    try:
        h, p = parse_address(s, allow_ranges=True)
        r["host"], r["port"] = h, p
    except Exception:
        r["error"] = True
    out.append(r)
print(json.dumps(out))
`;

function ansible(names: string[]): Record<string, unknown>[] {
  const r = spawnSync(PYTHON, ["-c", PY], { input: JSON.stringify(names), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

function ours(s: string): Record<string, unknown> {
  const r: Record<string, unknown> = { ip: isIpAddress(s) };
  try {
    const { host, port } = parseAddress(s, true);
    r.host = host;
    r.port = port ?? null;
  } catch (e) {
    if (!(e instanceof AddressError)) throw e;
    r.error = true;
  }
  return r;
}

const HAND_PICKED = [
  "mysql-1",
  "backup",
  "web1.example.com",
  "web1:2222",
  "_x",
  "x_",
  "a-",
  "-a",
  "a..b",
  "127.0.0.1",
  "127.0.0.1:22",
  "10.0.0.[1:5]",
  "web[01:03].lan",
  "db-[a:c]",
  "[::1]:22",
  "::1",
  "fe80::1",
  "1.2.3",
  "1.2.3.4.5",
  "ünï-1",
  "host.ünï",
  "é_",
  "web_1.lan",
  "WEB-01",
];

describe.skipIf(!hasAnsible)("host addresses as Ansible reads them", () => {
  it("agree on hand-picked names", () => {
    const expected = ansible(HAND_PICKED);
    HAND_PICKED.forEach((s, i) => expect({ s, r: ours(s) }).toEqual({ s, r: expected[i] }));
  });

  it("agree on generated names", () => {
    const unit = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom("a", "Z", "0", "9", "-", "_", ".", ":", "[", "]", "f") },
      { weight: 1, arbitrary: fc.constantFrom("é", "ü", "日", "٣") },
    );
    const names = fc.sample(fc.string({ unit, minLength: 1, maxLength: 16 }), 1500);
    const expected = ansible(names);
    names.forEach((s, i) => expect({ s, r: ours(s) }).toEqual({ s, r: expected[i] }));
  });
});
