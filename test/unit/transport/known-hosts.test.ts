import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  blobKeyType,
  checkHostKey,
  fingerprint,
  hostFieldMatches,
  knownKeyTypes,
  lookupName,
  parseKnownHosts,
  readKnownHosts,
} from "../../../src/transport/known-hosts.js";

let dir: string;
const keys: Record<string, { line: string; blob: Buffer }> = {};

function keygen(type: string, name: string): void {
  const file = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
  const line = readFileSync(`${file}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
  keys[name] = { line, blob: Buffer.from(line.split(" ")[1], "base64") };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "infra-kh-"));
  keygen("ed25519", "ed1");
  keygen("ed25519", "ed2");
  keygen("ecdsa", "ec");
  keygen("rsa", "rsa");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseKnownHosts", () => {
  it("reads plain, marked and commented lines with their line numbers", () => {
    const text = `# comment\n\nweb1,10.0.0.1 ${keys.ed1.line} a comment\n@revoked * ${keys.ed2.line}\n@cert-authority *.lab ${keys.ec.line}\nbroken line\n`;
    const entries = parseKnownHosts(text, "kh");
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, undefined, "web1,10.0.0.1", "ssh-ed25519"],
      [4, "revoked", "*", "ssh-ed25519"],
      [5, "cert-authority", "*.lab", "ecdsa-sha2-nistp256"],
    ]);
    expect(entries[0].key.equals(keys.ed1.blob)).toBe(true);
  });

  it("treats a missing file as empty", () => {
    expect(readKnownHosts([join(dir, "missing")])).toEqual([]);
  });

  it("reads the key type from the blob", () => {
    expect(blobKeyType(keys.rsa.blob)).toBe("ssh-rsa");
    expect(blobKeyType(Buffer.from([0, 0]))).toBeUndefined();
  });
});

describe("host matching", () => {
  it("uses [host]:port for ports other than 22, lower-cased", () => {
    expect(lookupName("Web1", 22)).toBe("web1");
    expect(lookupName("Web1", 2222)).toBe("[web1]:2222");
  });

  it("matches pattern lists with wildcards and negation", () => {
    expect(hostFieldMatches("web1,web2", "web2")).toBe(true);
    expect(hostFieldMatches("*.lab", "db.lab")).toBe(true);
    expect(hostFieldMatches("web?", "web12")).toBe(false);
    expect(hostFieldMatches("*.lab,!db.lab", "db.lab")).toBe(false);
    expect(hostFieldMatches("[*.lab]:2222", "[db.lab]:2222")).toBe(true);
    expect(hostFieldMatches("db.lab", "[db.lab]:2222")).toBe(false);
    expect(hostFieldMatches("a.b", "axb")).toBe(false);
  });

  it("matches names hashed by ssh-keygen -H, and only those", () => {
    const file = join(dir, "hashed");
    writeFileSync(file, `web1 ${keys.ed1.line}\n[db]:2222 ${keys.ec.line}\n`);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", file]);
    const [web, db] = readKnownHosts([file]);
    expect(web.hosts).toMatch(/^\|1\|/);
    expect(hostFieldMatches(web.hosts, "web1")).toBe(true);
    expect(hostFieldMatches(web.hosts, "web2")).toBe(false);
    expect(hostFieldMatches(db.hosts, "[db]:2222")).toBe(true);
    expect(hostFieldMatches(db.hosts, "db")).toBe(false);
  });
});

describe("checkHostKey", () => {
  const entries = () =>
    parseKnownHosts(
      [
        `web1 ${keys.ed1.line}`,
        `web1 ${keys.rsa.line}`,
        `[web1]:2222 ${keys.ed2.line}`,
        `rsaonly ${keys.rsa.line}`,
        `@revoked * ${keys.ec.line}`,
        `web3 ${keys.ec.line}`,
      ].join("\n"),
      "kh",
    );

  it("trusts a listed key", () => {
    expect(checkHostKey(entries(), "web1", 22, keys.rsa.blob).status).toBe("trusted");
    expect(checkHostKey(entries(), "web1", 2222, keys.ed2.blob).status).toBe("trusted");
  });

  it("reports a changed key with the line of the old one", () => {
    const v = checkHostKey(entries(), "web1", 2222, keys.ed1.blob);
    expect(v).toMatchObject({ status: "changed", old: { file: "kh", line: 3 } });
  });

  it("reports unknown hosts, and known keys of other types", () => {
    expect(checkHostKey(entries(), "web9", 22, keys.ed1.blob)).toEqual({ status: "unknown", otherTypes: [] });
    const v = checkHostKey(entries(), "rsaonly", 22, keys.ed1.blob);
    expect(v.status).toBe("unknown");
    expect(v.status === "unknown" && v.otherTypes.map((e) => e.line)).toEqual([4]);
  });

  it("falls back to the bare host name for other ports only on an exact match, as ssh does", () => {
    expect(checkHostKey(entries(), "rsaonly", 2200, keys.rsa.blob).status).toBe("trusted");
    expect(checkHostKey(entries(), "rsaonly", 2200, keys.ed1.blob).status).toBe("unknown");
    // web1 has its own [web1]:2222 entry of this type: a match on bare web1 does not override it.
    expect(checkHostKey(entries(), "web1", 2222, keys.ed1.blob).status).toBe("changed");
  });

  it("refuses a revoked key even where it is also listed", () => {
    expect(checkHostKey(entries(), "web3", 22, keys.ec.blob)).toMatchObject({
      status: "revoked",
      entry: { line: 5 },
    });
  });

  it("lists the key types known for a host", () => {
    expect(knownKeyTypes(entries(), "web1", 22)).toEqual(["ssh-ed25519", "ssh-rsa"]);
    expect(knownKeyTypes(entries(), "web3", 22)).toEqual(["ecdsa-sha2-nistp256"]);
  });

  it("prints fingerprints as ssh-keygen -l does", () => {
    const out = execFileSync("ssh-keygen", ["-l", "-f", join(dir, "ed1.pub")], { encoding: "utf8" });
    expect(out.split(" ")[1]).toBe(fingerprint(keys.ed1.blob));
  });
});
