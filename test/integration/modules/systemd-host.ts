/**
 * A host where PID 1 is systemd, for the systemd module's tests: the lab hosts run tini and init scripts, as the
 * course's containers do, so systemd gets a host of its own. It is the lab image plus Debian's systemd (installed
 * from the mirror once and kept as an image), run with podman's --systemd=always, reached over SSH with the lab's
 * key, and checked against a known_hosts file read from the container.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectEngine, type Engine } from "../../../src/lab/engine.js";
import { paths } from "../../../src/lab/files.js";
import { ensureImage } from "../../../src/lab/image.js";
import { connectSsh, type SshConnection } from "../../../src/transport/ssh.js";
import { run as runProgram, type RunResult } from "../../../src/util/exec.js";
import { lab } from "../lab-helpers.js";

/** One per checkout, as lab containers are: two checkouts testing at once must not share it. */
const containerName = () =>
  `infra-systemd-${createHash("sha256").update(lab().home).digest("hex").slice(0, 6)}`;

export interface SystemdHost {
  port: number;
  knownHosts: string;
  inventory: string;
  connect(): Promise<SshConnection>;
  /** A command as root inside the container (podman exec: independent of the code under test). */
  root(command: string): Promise<string>;
  remove(): Promise<void>;
}

async function ensureSystemdImage(engine: Engine, NAME: string): Promise<string> {
  const base = await ensureImage(engine, () => {});
  const tag = base.replace("infra-lab:", "infra-lab-systemd:");
  if ((await engine.exec(["image", "inspect", tag])).code === 0) return tag;
  const builder = `${NAME}-build`;
  await engine.exec(["rm", "-f", builder]);
  await engine.must(
    [
      "run",
      "--name",
      builder,
      ...engine.runFlags,
      "--entrypoint",
      "sh",
      base,
      "-c",
      "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends systemd systemd-sysv dbus",
    ],
    "install systemd into the lab image",
  );
  await engine.must(["commit", "-q", builder, tag], "save the systemd image");
  await engine.exec(["rm", "-f", builder]);
  return tag;
}

export async function startSystemdHost(): Promise<SystemdHost> {
  const engine = await detectEngine();
  const NAME = containerName();
  const image = await ensureSystemdImage(engine, NAME);
  await engine.exec(["rm", "-f", NAME]);
  await engine.must(
    [
      "run",
      "-d",
      "--name",
      NAME,
      ...engine.runFlags,
      "--systemd=always",
      "--entrypoint",
      "/lib/systemd/systemd",
      "-p",
      "127.0.0.1::22",
      image,
    ],
    "start the systemd host",
  );
  const root = async (command: string) => {
    const r: RunResult = await engine.exec(["exec", NAME, "sh", "-c", command]);
    if (r.code !== 0) throw new Error(`${command}: rc ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  // Wait for systemd to finish booting (degraded is fine: ssh fails until it has host keys).
  for (let i = 0; i < 60; i++) {
    const state = (await engine.exec(["exec", NAME, "systemctl", "is-system-running"])).stdout.trim();
    if (state === "running" || state === "degraded") break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const p = paths(lab().home);
  const key = readFileSync(`${p.key}.pub`, "utf8").trim();
  await root(
    [
      "ssh-keygen -A >/dev/null",
      "install -d -m 0700 -o ubuntu -g ubuntu /home/ubuntu/.ssh",
      `printf '%s\\n' '${key}' > /home/ubuntu/.ssh/authorized_keys`,
      "chown ubuntu:ubuntu /home/ubuntu/.ssh/authorized_keys && chmod 0600 /home/ubuntu/.ssh/authorized_keys",
      "systemctl reset-failed ssh && systemctl restart ssh",
    ].join(" && "),
  );
  const port = Number(
    (await engine.must(["port", NAME, "22/tcp"], "read the systemd host's port")).trim().split(":").pop(),
  );
  const hostKey = (await root("cat /etc/ssh/ssh_host_ed25519_key.pub"))
    .trim()
    .split(" ")
    .slice(0, 2)
    .join(" ");
  const dir = mkdtempSync(join(tmpdir(), "infra-systemd-"));
  const knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
  const inventory = join(dir, "hosts");
  writeFileSync(
    inventory,
    `sd ansible_host=127.0.0.1 ansible_port=${port} ansible_user=ubuntu ansible_ssh_private_key_file=${p.key} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts}'\n`,
  );
  for (let i = 0; i < 40; i++) {
    const r = await runProgram("ssh", [
      "-q",
      "-o",
      "BatchMode=yes",
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      "-i",
      p.key,
      "-p",
      String(port),
      "ubuntu@127.0.0.1",
      "true",
    ]);
    if (r.code === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    knownHosts,
    inventory,
    root,
    connect: () =>
      connectSsh({
        host: "127.0.0.1",
        port,
        user: "ubuntu",
        name: "sd",
        privateKeyPath: p.key,
        agent: false,
        knownHostsFiles: [knownHosts],
        globalKnownHostsFiles: [],
      }),
    remove: async () => {
      await engine.exec(["rm", "-f", NAME]);
    },
  };
}
