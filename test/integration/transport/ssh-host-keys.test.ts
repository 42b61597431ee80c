import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostKeyError, UnreachableError } from "../../../src/transport/errors.js";
import { connectSsh, type SshOptions } from "../../../src/transport/ssh.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;
let n = 0;

beforeAll(async () => {
  lab = await startSshdContainer();
});

afterAll(() => lab?.stop());

function knownHosts(text: string): string {
  const file = join(lab.dir, `known_hosts_${++n}`);
  writeFileSync(file, text);
  return file;
}

function options(extra: Partial<SshOptions>): SshOptions {
  return {
    host: "127.0.0.1",
    port: lab.port,
    user: "ubuntu",
    privateKeyPath: lab.keyFile,
    agent: false,
    globalKnownHostsFiles: [],
    ...extra,
  };
}

async function connects(extra: Partial<SshOptions>): Promise<void> {
  const conn = await connectSsh(options(extra));
  expect((await conn.exec("echo ok")).stdout).toBe("ok\n");
  await conn.close();
}

async function refusal(extra: Partial<SshOptions>): Promise<HostKeyError> {
  try {
    const conn = await connectSsh(options(extra));
    await conn.close();
  } catch (e) {
    expect(e).toBeInstanceOf(HostKeyError);
    expect(e).toBeInstanceOf(UnreachableError);
    return e as HostKeyError;
  }
  throw new Error("the connection was accepted");
}

function otherKey(type: "ed25519" | "rsa"): string {
  const file = join(lab.dir, `other_${type}_${++n}`);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
  return readFileSync(`${file}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
}

describe("host key checking", () => {
  it("accepts the key listed as [host]:port", async () => {
    await connects({ knownHostsFiles: [lab.knownHostsFile] });
  });

  it("refuses an unknown host and says how to accept it", async () => {
    const file = knownHosts("# nothing here yet\n");
    const e = await refusal({ knownHostsFiles: [file] });
    expect(e.message).toContain(`[127.0.0.1]:${lab.port} is not in ${file}`);
    expect(e.message).toMatch(/ed25519 key SHA256:/);
    expect(e.hint).toContain(`ssh-keyscan -p ${lab.port} -t ed25519 127.0.0.1 >> ${file}`);
    expect(e.hint).toContain("host_key_checking = False");
  });

  it("refuses a changed key and names the file and line holding the old one", async () => {
    const file = knownHosts(
      `otherhost ${otherKey("ed25519")}\n# comment\n[127.0.0.1]:${lab.port} ${otherKey("ed25519")}\n`,
    );
    const e = await refusal({ knownHostsFiles: [file] });
    expect(e.message).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
    expect(e.message).toContain(`${file}:3`);
    expect(e.hint).toContain(`ssh-keygen -f ${file} -R '[127.0.0.1]:${lab.port}'`);
  });

  it("reads hashed entries (ssh-keygen -H)", async () => {
    const file = knownHosts(`[127.0.0.1]:${lab.port} ${lab.hostKeys["ssh-ed25519"]}\n`);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", file]);
    expect(readFileSync(file, "utf8")).toMatch(/^\|1\|/);
    await connects({ knownHostsFiles: [file] });
  });

  it("asks the server for the key type it knows (rsa, ecdsa)", async () => {
    await connects({ knownHostsFiles: [knownHosts(`[127.0.0.1]:${lab.port} ${lab.hostKeys["ssh-rsa"]}\n`)] });
    const ecdsa = lab.hostKeys["ecdsa-sha2-nistp256"];
    await connects({ knownHostsFiles: [knownHosts(`[127.0.0.1]:${lab.port} ${ecdsa}\n`)] });
  });

  it("matches wildcard and negated patterns", async () => {
    await connects({
      knownHostsFiles: [knownHosts(`[127.0.0.*]:${lab.port} ${lab.hostKeys["ssh-ed25519"]}\n`)],
    });
    const negated = knownHosts(
      `[127.0.0.*]:${lab.port},![127.0.0.1]:${lab.port} ${lab.hostKeys["ssh-ed25519"]}\n`,
    );
    await refusal({ knownHostsFiles: [negated] });
  });

  it("refuses a key marked @revoked", async () => {
    const file = knownHosts(
      `[127.0.0.1]:${lab.port} ${lab.hostKeys["ssh-ed25519"]}\n@revoked * ${lab.hostKeys["ssh-ed25519"]}\n`,
    );
    const e = await refusal({ knownHostsFiles: [file] });
    expect(e.message).toContain(`${file}:2 marks @revoked`);
  });

  it("reads extra files besides the main ones, and ~/.ssh/known_hosts by default", async () => {
    await connects({ knownHostsFiles: [knownHosts("")], extraKnownHostsFiles: [lab.knownHostsFile] });
    const home = join(lab.dir, "home");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      await refusal({});
      writeFileSync(join(home, ".ssh", "known_hosts"), readFileSync(lab.knownHostsFile));
      await connects({});
    } finally {
      process.env.HOME = saved;
    }
  });

  it("accepts anything with hostKeyChecking: false", async () => {
    const changed = knownHosts(`[127.0.0.1]:${lab.port} ${otherKey("ed25519")}\n`);
    await connects({ knownHostsFiles: [changed], hostKeyChecking: false });
    await connects({ knownHostsFiles: ["/dev/null"], hostKeyChecking: false });
  });
});
