import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostKeyPolicy } from "../../../src/transport/host-key-policy.js";

let dir: string;
let ed: Buffer;
let edLine: string;
let rsaLine: string;

let n = 0;
function pub(type: string): string {
  const file = join(dir, `${type}_${++n}`);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
  return readFileSync(`${file}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "infra-hkp-"));
  edLine = pub("ed25519");
  rsaLine = pub("rsa");
  ed = Buffer.from(edLine.split(" ")[1], "base64");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hostKeyPolicy", () => {
  it("asks for the known key type first", () => {
    const file = join(dir, "kh_rsa");
    writeFileSync(file, `web ${rsaLine}\n`);
    const p = hostKeyPolicy({ host: "web", port: 22, checking: true, files: [file] });
    expect(p.algorithms.slice(0, 4)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519"]);
    expect(hostKeyPolicy({ host: "other", port: 22, checking: true, files: [file] }).algorithms[0]).toBe(
      "ssh-ed25519",
    );
  });

  it("records an unknown key with accept-new, then trusts it", () => {
    const file = join(dir, "sub", "kh_new");
    const p = hostKeyPolicy({ host: "web", port: 2200, checking: "accept-new", files: [file] });
    expect(p.verify(ed)).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(`[web]:2200 ${edLine}\n`);
    expect(hostKeyPolicy({ host: "web", port: 2200, checking: true, files: [file] }).verify(ed)).toBe(true);
  });

  it("still refuses a changed key with accept-new", () => {
    const file = join(dir, "kh_changed");
    writeFileSync(file, `web ${pub("ed25519")}\n`);
    const p = hostKeyPolicy({ host: "web", port: 22, checking: "accept-new", files: [file] });
    expect(p.verify(ed)).toBe(false);
    expect(p.refusal?.message).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    expect(p.refusal?.exitCode).toBe(4);
  });

  it("accepts anything when checking is off", () => {
    expect(hostKeyPolicy({ host: "x", port: 22, checking: false, files: [] }).verify(ed)).toBe(true);
  });
});
