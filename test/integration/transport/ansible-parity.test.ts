/**
 * Host key decisions compared with the real thing: for each known_hosts situation, `ansible -m raw` (which runs
 * OpenSSH's ssh) and our pool must agree on whether the host is reachable.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnreachableError } from "../../../src/transport/errors.js";
import { ConnectionPool } from "../../../src/transport/pool.js";
import { startSshdContainer, type SshdContainer } from "./sshd-container.js";

let lab: SshdContainer;
let n = 0;

beforeAll(async () => {
  lab = await startSshdContainer();
});

afterAll(() => lab?.stop());

type Verdict = "ok" | "unreachable";

/** Runs ansible in its own session (no controlling tty, so ssh can never stop to ask) without a control master. */
function ansible(vars: Record<string, unknown>, hostKeyChecking: boolean): Promise<Verdict> {
  const file = join(lab.dir, `vars_${++n}.json`);
  writeFileSync(file, JSON.stringify(vars));
  const env = {
    ...process.env,
    ANSIBLE_SSH_ARGS: "-o ControlMaster=no",
    ANSIBLE_HOST_KEY_CHECKING: hostKeyChecking ? "True" : "False",
    ANSIBLE_LOCAL_TEMP: lab.dir,
  };
  return new Promise((resolve, reject) => {
    const child = execFile(
      "ansible",
      ["all", "-i", "web1,", "-m", "raw", "-a", "echo ok", "-e", `@${file}`],
      { env, timeout: 60_000 },
      (err) => {
        const code = err ? (err as { code?: number }).code : 0;
        if (code === 0) resolve("ok");
        else if (code === 4) resolve("unreachable");
        else reject(new Error(`ansible exited ${String(code)}: ${String(err)}`));
      },
    );
    child.stdin?.end();
  });
}

async function ours(vars: Record<string, unknown>, hostKeyChecking: boolean): Promise<Verdict> {
  const pool = new ConnectionPool({ hostKeyChecking });
  try {
    const conn = await pool.get("web1", vars);
    return (await conn.exec("echo ok")).stdout === "ok\n" ? "ok" : "unreachable";
  } catch (e) {
    if (e instanceof UnreachableError) return "unreachable";
    throw e;
  } finally {
    await pool.closeAll();
  }
}

function otherEd25519(): string {
  // Any valid ed25519 key that is not the host's: the client key's public half.
  return readFileSync(`${lab.keyFile}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
}

const cases: [string, (p: string) => string, string, boolean, ("hash" | undefined)?][] = [
  ["the host's key", (p) => `[127.0.0.1]:${p} ${lab.hostKeys["ssh-ed25519"]}`, "", true],
  ["no entry", () => "", "", true],
  ["a changed key", (p) => `[127.0.0.1]:${p} ${otherEd25519()}`, "", true],
  ["only the rsa key", (p) => `[127.0.0.1]:${p} ${lab.hostKeys["ssh-rsa"]}`, "", true],
  ["a wildcard entry", (p) => `[127.0.0.?]:${p} ${lab.hostKeys["ssh-ed25519"]}`, "", true],
  ["a negated entry", (p) => `[127.*]:${p},![127.0.0.1]:${p} ${lab.hostKeys["ssh-ed25519"]}`, "", true],
  ["an entry without the port", () => `127.0.0.1 ${lab.hostKeys["ssh-ed25519"]}`, "", true],
  [
    "a revoked key",
    (p) => `[127.0.0.1]:${p} ${lab.hostKeys["ssh-ed25519"]}\n@revoked * ${lab.hostKeys["ssh-ed25519"]}`,
    "",
    true,
  ],
  ["no entry, StrictHostKeyChecking=no", () => "", "-o StrictHostKeyChecking=no", true],
  ["a changed key, host_key_checking off", (p) => `[127.0.0.1]:${p} ${otherEd25519()}`, "", false],
  ["no entry, accept-new", () => "", "-o StrictHostKeyChecking=accept-new", true],
  ["a hashed entry", (p) => `[127.0.0.1]:${p} ${lab.hostKeys["ssh-ed25519"]}`, "", true, "hash"],
  ["a hashed entry without the port", () => `127.0.0.1 ${lab.hostKeys["ssh-ed25519"]}`, "", true, "hash"],
  [
    "a changed [host]:port entry beside a right bare one",
    (p) => `[127.0.0.1]:${p} ${otherEd25519()}\n127.0.0.1 ${lab.hostKeys["ssh-ed25519"]}`,
    "",
    true,
  ],
  ["only the ecdsa key", (p) => `[127.0.0.1]:${p} ${lab.hostKeys["ecdsa-sha2-nistp256"]}`, "", true],
  [
    "a changed key, accept-new",
    (p) => `[127.0.0.1]:${p} ${otherEd25519()}`,
    "-o StrictHostKeyChecking=accept-new",
    true,
  ],
];

describe("host key verdicts match ansible + OpenSSH", () => {
  it.each(cases)("%s", async (_name, entries, extra, hostKeyChecking, hash) => {
    const verdicts: Verdict[] = [];
    // Each side gets its own copy: accept-new writes to the file.
    for (const run of [ansible, ours]) {
      const kh = join(lab.dir, `kh_${++n}`);
      writeFileSync(kh, `${entries(String(lab.port))}\n`);
      if (hash) execFileSync("ssh-keygen", ["-q", "-H", "-f", kh]);
      const vars = {
        ansible_host: "127.0.0.1",
        ansible_port: lab.port,
        ansible_user: "ubuntu",
        ansible_ssh_private_key_file: lab.keyFile,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${kh} -o GlobalKnownHostsFile=/dev/null ${extra}`,
      };
      verdicts.push(await run(vars, hostKeyChecking));
    }
    expect(verdicts[1]).toBe(verdicts[0]);
  });
});
