import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnreachableError } from "../../../src/transport/errors.js";
import { connectSsh, type SshOptions } from "../../../src/transport/ssh.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;
let agent: ChildProcess | undefined;

beforeAll(async () => {
  lab = await startSshdContainer();
});

afterAll(() => {
  agent?.kill();
  lab?.stop();
});

function options(extra: Partial<SshOptions>): SshOptions {
  return {
    host: "127.0.0.1",
    port: lab.port,
    user: "ubuntu",
    knownHostsFiles: [lab.knownHostsFile],
    globalKnownHostsFiles: [],
    ...extra,
  };
}

async function whoami(extra: Partial<SshOptions>): Promise<string> {
  const conn = await connectSsh(options(extra));
  try {
    return (await conn.exec("id -un")).stdout.trim();
  } finally {
    await conn.close();
  }
}

describe("authentication", () => {
  it("uses the keys of an ssh-agent", async () => {
    const sock = join(lab.dir, "agent.sock");
    agent = spawn("ssh-agent", ["-D", "-a", sock], { stdio: "ignore" });
    for (let i = 0; i < 50 && !execFileSync("ls", [lab.dir]).toString().includes("agent.sock"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    execFileSync("ssh-add", ["-q", lab.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
    expect(await whoami({ agent: sock, identityFiles: [] })).toBe("ubuntu");
  });

  it("tries the default identity files when no key is given", async () => {
    const ssh = join(lab.dir, "home", ".ssh");
    mkdirSync(ssh, { recursive: true });
    copyFileSync(lab.keyFile, join(ssh, "id_ed25519"));
    const saved = process.env.HOME;
    process.env.HOME = join(lab.dir, "home");
    try {
      expect(await whoami({ agent: false })).toBe("ubuntu");
    } finally {
      process.env.HOME = saved;
    }
  });

  it("explains a key protected by a passphrase", async () => {
    const locked = join(lab.dir, "locked");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret phrase", "-f", locked]);
    const e = await connectSsh(options({ privateKeyPath: locked, agent: false })).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UnreachableError);
    expect((e as UnreachableError).hint).toMatch(/ssh-add/);
    // With its passphrase it loads (and is refused by the server, which does not know it).
    const refused = await connectSsh(
      options({ privateKeyPath: locked, passphrase: "secret phrase", agent: false }),
    ).catch((err: unknown) => err);
    expect((refused as UnreachableError).reason).toMatch(/permission denied .*tried key/);
  });

  it("says there was nothing to offer when no credentials exist", async () => {
    const saved = process.env.HOME;
    process.env.HOME = join(lab.dir, "empty-home");
    try {
      const e = await connectSsh(options({ agent: false })).catch((err: unknown) => err);
      expect((e as UnreachableError).reason).toMatch(/no usable key, agent or password/);
    } finally {
      process.env.HOME = saved;
    }
  });
});
