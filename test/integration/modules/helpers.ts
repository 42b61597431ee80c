/** Opening module contexts against lab hosts: one SSH connection per test file, a Templar over given variables. */
import { paths } from "../../../src/lab/files.js";
import { Templar } from "../../../src/template/templar.js";
import { connectSsh, type SshConnection } from "../../../src/transport/ssh.js";
import type { ModuleContext, ModuleResult } from "../../../src/modules/types.js";
import { getModule } from "../../../src/modules/registry.js";
import { runModule } from "../../../src/modules/run.js";
import { lab, labHost, sshRun } from "../lab-helpers.js";

export const ROOT = { user: "root" };

export async function connect(host = "mysql-1"): Promise<SshConnection> {
  const p = paths(lab().home);
  return connectSsh({
    host: "127.0.0.1",
    port: labHost(host).port,
    user: "ubuntu",
    name: host,
    privateKeyPath: p.key,
    agent: false,
    knownHostsFiles: [p.knownHosts],
    globalKnownHostsFiles: [],
  });
}

export interface CtxOptions {
  /** Also passed to the ansible oracle as -e. */
  check?: boolean;
  diff?: boolean;
  become?: boolean;
  vars?: Record<string, unknown>;
  verbosity?: number;
  files?: string;
}

export function makeCtx(conn: SshConnection, o: CtxOptions = {}): ModuleContext & { warnings: string[] } {
  const vars = o.vars ?? {};
  const warnings: string[] = [];
  const templar = new Templar({
    vars,
    decryptVault: () => {
      throw new Error("no vault in module tests");
    },
    loader: { searchPaths: o.files ? [o.files] : [process.cwd()] },
  });
  return {
    host: conn.host,
    conn,
    ...(o.become ? { become: ROOT } : {}),
    check: o.check ?? false,
    diff: o.diff ?? false,
    templar,
    vars,
    verbosity: o.verbosity ?? 0,
    findFile(kind, name) {
      const found = templar.findFile(name, kind);
      if (!found) throw new Error(`could not find ${name} in ${kind}`);
      return found;
    },
    environment: {},
    warn: (m) => warnings.push(m),
    warnings,
  };
}

/** Runs a module by name the way the engine will: arguments validated, failures as results. */
export function run(
  name: string,
  args: Record<string, unknown>,
  conn: SshConnection,
  o: CtxOptions = {},
): Promise<ModuleResult> {
  return runModule(getModule(name)!, args, makeCtx(conn, o), name);
}

/** A shell command on the host as root (through OpenSSH, independent of the code under test). */
export async function sh(host: string, command: string): Promise<string> {
  const r = await sshRun(host, command, "root");
  if (r.code !== 0) throw new Error(`${command}: rc ${r.code}: ${r.stderr}`);
  return r.stdout;
}
