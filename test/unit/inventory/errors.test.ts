/**
 * Every inventory mistake is an InfraError (exit code 4) that says where (file:line:column) and what to do, with
 * Ansible's own wording; each case is also checked to be rejected by Ansible itself with the same message.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadInventory } from "../../../src/inventory/index.js";
import { InfraError } from "../../../src/util/errors.js";
import { ansibleInventoryError, hasAnsible } from "./ansible-oracle.js";

const dir = mkdtempSync(join(tmpdir(), "infra-inv-errors-"));
let n = 0;
function write(ext: string, text: string): string {
  const file = join(dir, `inv${n++}${ext}`);
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string): InfraError {
  try {
    loadInventory([file]);
  } catch (e) {
    if (e instanceof InfraError) return e;
    throw e;
  }
  throw new Error(`no error for ${file}`);
}

const cases: { name: string; ext: string; text: string; message: string; line: number; column: number }[] = [
  {
    name: "space in a section header",
    ext: ".ini",
    text: "[web]\nw1\n[web servers]\n",
    message: "Invalid section entry: '[web servers]'",
    line: 3,
    column: 1,
  },
  {
    name: "unknown section suffix",
    ext: ".ini",
    text: "[web:child]\nw1\n",
    message: "Section [web:child] has unknown type: child",
    line: 1,
    column: 6,
  },
  {
    name: "children naming a group that is never defined",
    ext: ".ini",
    text: "[web]\nw1\n[prod:children]\nweb\n  dbs\n",
    message: "Section [prod:children] includes undefined group: dbs",
    line: 5,
    column: 3,
  },
  {
    name: "vars for a group that never exists",
    ext: ".ini",
    text: "[ghost:vars]\nx=1\n",
    message: "Section [ghost:vars] not valid for undefined group: ghost",
    line: 1,
    column: 1,
  },
  {
    name: "a cycle through :children",
    ext: ".ini",
    text: "[a:children]\nb\n[b:children]\nc\n[c:children]\na\n",
    message: "Adding group 'a' as child to 'c' creates a recursive dependency loop.",
    line: 6,
    column: 1,
  },
  {
    name: "a host variable without '='",
    ext: ".ini",
    text: "[web]\nw1 ansible_user=ubuntu  ansible_port\n",
    message: "Expected key=value host variable assignment, got: ansible_port",
    line: 2,
    column: 25,
  },
  {
    name: "a group variable without '='",
    ext: ".ini",
    text: "[web]\nw1\n[web:vars]\njust_a_word\n",
    message: "Expected key=value, got: just_a_word",
    line: 4,
    column: 1,
  },
  {
    name: "an unclosed quote",
    ext: ".ini",
    text: "[web]\nw1 motd='hello\n",
    message: "No closing quotation",
    line: 2,
    column: 1,
  },
  {
    name: "a range without an end",
    ext: ".ini",
    text: "[web]\nweb[1:]\n",
    message: "host range must specify end value",
    line: 2,
    column: 1,
  },
  {
    name: "a host ending in ':'",
    ext: ".ini",
    text: "[web]\nw1:\n",
    message: "Invalid host pattern 'w1:' supplied, ending in ':' is not allowed",
    line: 2,
    column: 1,
  },
  {
    name: "YAML hosts written as a list",
    ext: ".yml",
    text: "all:\n  children:\n    web:\n      hosts:\n        - w1\n        - w2\n",
    message: `Invalid "hosts" entry for "web" group, requires a dictionary`,
    line: 4,
    column: 7,
  },
  {
    name: "YAML cycle",
    ext: ".yaml",
    text: "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n",
    message: "Adding group 'b' as child to 'a' creates a recursive dependency loop.",
    line: 5,
    column: 9,
  },
  {
    name: "YAML inventory plugin configuration",
    ext: ".yml",
    text: "plugin: aws_ec2\nregions: [eu-west-1]\n",
    message: "Plugin configuration YAML file, not YAML inventory",
    line: 1,
    column: 1,
  },
];

describe("inventory errors", () => {
  for (const c of cases) {
    it(c.name, () => {
      const file = write(c.ext, c.text);
      const err = errorOf(file);
      expect(err.message).toContain(c.message);
      expect(err.exitCode).toBe(4);
      expect(err.location).toEqual({ file, line: c.line, column: c.column });
      expect(err.hint).toBeTruthy();
      if (hasAnsible) expect(ansibleInventoryError([file])).toContain(c.message);
    });
  }

  it("names the whole cycle", () => {
    const err = errorOf(write(".ini", "[a:children]\nb\n[b:children]\nc\n[c:children]\na\n"));
    expect(err.message).toContain("(cycle: a -> b -> c -> a)");
  });

  it("a missing source is an option error naming it", () => {
    expect(() => loadInventory([join(dir, "nope.ini")])).toThrow(/inventory source not found/);
  });

  it("shows the offending line under the message", () => {
    const err = errorOf(write(".ini", "[web]\nw1 ansible_user=ubuntu  ansible_port\n"));
    expect(err.excerpt).toBe("w1 ansible_user=ubuntu  ansible_port");
  });
});
