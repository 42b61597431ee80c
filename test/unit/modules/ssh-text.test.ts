/** The pure text rules of authorized_key, known_hosts and the ssh-keygen output parsers. */
import { describe, expect, it } from "vitest";
import {
  enforce,
  parseOptions,
  sameOptions,
  serialize,
  parseKeys,
} from "../../../src/modules/util/authorized-keys.js";
import { afterText, hashHostKey, normalizeKey, searchOutput } from "../../../src/modules/util/known-hosts.js";
import { parseFingerprintLine, parsePublicKeyFile, sameKey } from "../../../src/modules/util/ssh-keygen.js";
import { passwordLooksPlain } from "../../../src/modules/util/user-plan.js";
import { createHmac } from "node:crypto";

const K1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPeqMAlFalGH80MLJzcZzz0SEmVkfvrpbGlcz4Nz3kkb";
const K2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDkF4kOOieH47MXcfVxfojAuwufabUmazY5SM3tgV0kE";

describe("authorized_key text", () => {
  it("splits options on commas outside quotes", () => {
    expect(parseOptions('from="a,b",no-pty,command="x y"')).toEqual([
      ["from", '"a,b"'],
      ["no-pty", null],
      ["command", '"x y"'],
    ]);
    expect(sameOptions(parseOptions("a,b=1"), parseOptions("b=1,a"))).toBe(true);
    expect(sameOptions(parseOptions("a"), parseOptions("a,a"))).toBe(false);
  });

  it("appends a new key after the existing ones with Ansible's trailing space for no comment", () => {
    expect(enforce(`${K1} me\n`, { key: K2, state: "present", exclusive: false })).toBe(`${K1} me\n${K2} \n`);
    expect(enforce(`${K1} me\n`, { key: `${K1} me`, state: "present", exclusive: false })).toBeUndefined();
  });

  it("replaces a key whose options or comment differ, removes, and keeps only the wanted keys when exclusive", () => {
    expect(
      enforce(`${K1} me\n`, { key: K1, state: "present", exclusive: false, key_options: "no-pty" }),
    ).toBe(`no-pty ${K1} \n`);
    expect(enforce(`# hi\n${K1} me\n${K2} you\n`, { key: K1, state: "absent", exclusive: false })).toBe(
      `# hi\n${K2} you\n`,
    );
    expect(
      enforce(`# hi\n${K1} me\n${K2} you\n`, { key: K2, state: "present", exclusive: true, comment: "you" }),
    ).toBe(`${K2} you\n`);
  });

  it("collapses duplicate lines when it writes", () => {
    expect(serialize(parseKeys(`${K1} a\n${K1} b\n`))).toBe(`${K1} b\n`);
  });

  it("rejects a line without a key", () => {
    expect(() => enforce("", { key: "not a key", state: "present", exclusive: false })).toThrow(
      "invalid key specified: not a key",
    );
  });
});

describe("known_hosts text", () => {
  it("hashes a host as ssh-keygen -H does", () => {
    const salt = Buffer.alloc(20, 7);
    const line = hashHostKey("backup", `backup ${K1}`, salt);
    const mac = createHmac("sha1", salt).update("backup").digest("base64");
    expect(line).toBe(`|1|${salt.toString("base64")}|${mac} ${K1}`);
  });

  it("reads ssh-keygen -F output: same key, another key of the same type, or a new type", () => {
    const out = `# Host backup found: line 2 \nbackup ${K1}\n`;
    expect(searchOutput(out, `backup ${K1}\n`)).toEqual({ found: true, replaceOrAdd: false, foundLine: 2 });
    expect(searchOutput(out, `backup ${K2}\n`)).toEqual({ found: true, replaceOrAdd: true, foundLine: 2 });
    expect(searchOutput(out, `backup ssh-rsa AAAA\n`)).toEqual({
      found: true,
      replaceOrAdd: true,
      foundLine: null,
    });
    expect(normalizeKey(`@cert-authority *.x ${K1} c`)).toEqual({
      options: "@cert-authority",
      host: "*.x",
      type: "ssh-ed25519",
      key: K1.split(" ")[1],
    });
  });

  it("replaces the found line in place of the old one's removal and appends the key", () => {
    const before = `a ${K1}\nbackup ${K1}\nc ${K1}\n`;
    expect(
      afterText(before, { found: true, replaceOrAdd: true, foundLine: 2 }, "present", `backup ${K2}\n`),
    ).toBe(`a ${K1}\nc ${K1}\nbackup ${K2}\n`);
    expect(
      afterText(before, { found: true, replaceOrAdd: false, foundLine: 2 }, "absent", `backup ${K1}\n`),
    ).toBe(`a ${K1}\nc ${K1}\n`);
  });
});

describe("ssh-keygen output and passwords", () => {
  it("parses fingerprints and public key files", () => {
    expect(parseFingerprintLine("256 SHA256:abc me@x (ED25519)\n")).toEqual({
      size: 256,
      type: "ed25519",
      fingerprint: "SHA256:abc",
    });
    expect(parsePublicKeyFile(`${K1}\n`)).toEqual({
      typeString: "ssh-ed25519",
      data: K1.split(" ")[1],
      comment: "",
    });
    const a = parsePublicKeyFile(`${K1} one two\n`)!;
    expect(a.comment).toBe("one two");
    expect(sameKey(a, { ...a, comment: null })).toBe(true);
    expect(sameKey(a, { ...a, comment: "x" })).toBe(false);
  });

  it("warns about passwords that are not crypt hashes, as Ansible does", () => {
    expect(passwordLooksPlain("secret")).toBe(true);
    expect(passwordLooksPlain("$6$salt$short")).toBe(true);
    expect(passwordLooksPlain(`$6$saltsalt$${"a".repeat(86)}`)).toBe(false);
    expect(passwordLooksPlain("!")).toBe(false);
  });
});
