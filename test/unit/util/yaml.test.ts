import { describe, expect, it } from "vitest";
import { keyLocationOf, locationOf, parseYaml, UnsafeText } from "../../../src/util/yaml.js";
import { VaultString } from "../../../src/vault/vault-string.js";
import { InfraError } from "../../../src/util/errors.js";

describe("parseYaml", () => {
  it("reads YAML 1.1 as Ansible does: yes/no booleans and 0755 octal", () => {
    const [doc] = parseYaml("a: yes\nb: no\nmode: 0755\ns: '0755'\n", "f.yml").documents as Record<
      string,
      unknown
    >[];
    expect(doc).toEqual({ a: true, b: false, mode: 493, s: "0755" });
  });

  it("keeps !vault ciphertext encrypted and !unsafe text untemplated", () => {
    const src = "pw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\nraw: !unsafe '{{ x }}'\n";
    const [doc] = parseYaml(src, "g.yml").documents as Record<string, unknown>[];
    expect(doc!.pw).toBeInstanceOf(VaultString);
    expect((doc!.pw as VaultString).ciphertext).toBe("$ANSIBLE_VAULT;1.1;AES256\n3132");
    expect(String(doc!.pw)).toBe("<vaulted>");
    expect(doc!.raw).toBeInstanceOf(UnsafeText);
  });

  it("remembers where mappings, sequences and keys were written", () => {
    const src = "- name: one\n  file:\n    path: /tmp\n- name: two\n";
    const [tasks] = parseYaml(src, "t.yml").documents as Record<string, unknown>[][];
    expect(locationOf(tasks![1])).toEqual({ file: "t.yml", line: 4, column: 3 });
    expect(keyLocationOf(tasks![0], "file")).toEqual({ file: "t.yml", line: 2, column: 3 });
  });

  it("applies << merge keys without overriding explicit keys", () => {
    const src = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n";
    const [doc] = parseYaml(src, "m.yml").documents as Record<string, Record<string, unknown>>[];
    expect(doc!.c).toEqual({ x: 1, y: 3 });
  });

  it("reports syntax errors with file, line, column and the line itself", () => {
    try {
      parseYaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yml");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InfraError);
      const err = e as InfraError;
      expect(err.location?.file).toBe("bad.yml");
      expect(err.location?.line).toBeGreaterThanOrEqual(2);
      expect(err.exitCode).toBe(4);
    }
  });
});
