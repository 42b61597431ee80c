/**
 * A throwaway lab host with sshd for the transport tests: its own container (the lab's image and container engine,
 * built by the lab tool if missing), its own client key, a known_hosts file holding its real host keys. Tests may
 * break this host on purpose (kill sshd, change its config), which is why it is not one of the shared lab hosts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectEngine } from "../../../src/lab/engine.js";
import { ensureImage } from "../../../src/lab/image.js";
import type { SshOptions } from "../../../src/transport/ssh.js";

export interface SshdContainer {
  name: string;
  port: number;
  /** Private key accepted for users ubuntu and root. */
  keyFile: string;
  /** known_hosts with the container's host keys, as `[127.0.0.1]:port`. */
  knownHostsFile: string;
  /** The container's public host keys by type ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"): "type base64". */
  hostKeys: Record<string, string>;
  dir: string;
  /** Runs a shell command inside the container as root (with `input` on stdin) and returns its stdout. */
  sh(script: string, input?: string): string;
  /** Restarts sshd with its current configuration and waits until it answers (open connections stay up). */
  reloadSshd(): Promise<void>;
  /** Freezes every process of the host (a link that silently stops answering), and thaws it. */
  pause(): void;
  unpause(): void;
  stop(): void;
  /** Options that connect to this host as ubuntu with its key and known_hosts (no agent, no global files). */
  sshOptions(extra?: Partial<SshOptions>): SshOptions;
}

let engineName = "podman";

function engine(args: string[], input?: string): string {
  return execFileSync(engineName, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("data", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    setTimeout(() => (s.destroy(), resolve(false)), 500);
  });
}

export async function startSshdContainer(): Promise<SshdContainer> {
  const lab = await detectEngine();
  engineName = lab.name;
  const image = await ensureImage(lab, (m) => process.stderr.write(`sshd-container: ${m}\n`));
  const dir = mkdtempSync(join(tmpdir(), "infra-transport-"));
  const keyFile = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "infra-transport-test", "-f", keyFile]);
  const name = `infra-transport-test-${process.pid}`;
  engine(["rm", "-f", name]);
  engine([
    "run",
    "-d",
    ...lab.runFlags,
    "--name",
    name,
    "-e",
    `LAB_AUTHORIZED_KEY=${readFileSync(`${keyFile}.pub`, "utf8").trim()}`,
    "-e",
    "LAB_SERVICES=ssh",
    "-p",
    "127.0.0.1::22",
    image,
  ]);
  const sh = (script: string, input?: string) => engine(["exec", "-i", name, "/bin/sh", "-c", script], input);
  const stop = () => {
    try {
      engine(["rm", "-f", name]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const port = Number(/:(\d+)\s*$/.exec(engine(["port", name, "22/tcp"]).trim())?.[1]);
    const deadline = Date.now() + 30_000;
    while (!(sh("test -e /run/lab-ready && echo yes || true").includes("yes") && (await portOpen(port)))) {
      if (Date.now() > deadline)
        throw new Error(`container ${name} did not get ready: ${engine(["logs", name])}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const hostKeys: Record<string, string> = {};
    for (const line of sh("cat /etc/ssh/ssh_host_*_key.pub").trim().split("\n")) {
      const [type, key] = line.split(/\s+/);
      hostKeys[type] = `${type} ${key}`;
    }
    const knownHostsFile = join(dir, "known_hosts");
    writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKeys["ssh-ed25519"]}\n`);
    const reloadSshd = async () => {
      // restart returns once the old listener has exited, so the first banner after it is the new sshd's.
      sh("service ssh restart >/dev/null");
      for (let i = 0; !(await portOpen(port)); i++) {
        if (i > 100) throw new Error(`sshd in ${name} did not come back after a restart`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const pause = () => void engine(["pause", name]);
    const unpause = () => void engine(["unpause", name]);
    const sshOptions = (extra: Partial<SshOptions> = {}): SshOptions => ({
      host: "127.0.0.1",
      port,
      user: "ubuntu",
      privateKeyPath: keyFile,
      agent: false,
      knownHostsFiles: [knownHostsFile],
      globalKnownHostsFiles: [],
      ...extra,
    });
    return {
      name,
      port,
      keyFile,
      knownHostsFile,
      hostKeys,
      dir,
      sh,
      reloadSshd,
      pause,
      unpause,
      stop,
      sshOptions,
    };
  } catch (e) {
    stop();
    throw e;
  }
}
