/**
 * ansible.builtin.known_hosts: adds, replaces or removes a host's key in a known_hosts file by Ansible's rules:
 * ssh-keygen -F finds the host's entries (hashed or not); the same key means no change, another key of the same
 * type is replaced in place of its line, a new type is appended. One probe (util/known-hosts-probe.ts: Python in
 * the operation helper, the shell script where only ssh-keygen can answer) reads the file, checks that the key
 * names the host, and runs the search; a change is one atomic write (or `ssh-keygen -R` to drop a whole host).
 */
import type { Module, ModuleResult } from "./types.js";
import { fromB64, readCaptured } from "./util/accounts.js";
import { knownHostsProgram, knownHostsScript } from "./util/known-hosts-probe.js";
import { ModuleFailure } from "./util/failure.js";
import { afterText, hashHostKey, searchOutput, type Search } from "./util/known-hosts.js";
import { PROBE_FUNCTIONS } from "./util/probe.js";
import { pathWord, quote } from "./util/shell.js";
import { writeScript } from "./util/write-file.js";

interface KnownHostsArgs {
  name: string;
  key?: string | null;
  path: string;
  hash_host: boolean;
  state: "present" | "absent";
}

export const knownHosts: Module<KnownHostsArgs> = {
  name: "known_hosts",
  aliases: ["ansible.builtin.known_hosts", "ansible.legacy.known_hosts"],
  args: {
    name: { type: "str", required: true, aliases: ["host"] },
    key: { type: "str", noLog: false },
    path: { type: "path", default: "~/.ssh/known_hosts" },
    hash_host: { type: "bool", default: false },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
  },
  checkMode: true,
  async run(a, ctx): Promise<ModuleResult> {
    const host = a.name.toLowerCase();
    let key = a.key || null;
    if (!key && a.state !== "absent") throw new ModuleFailure("No key specified when adding a host");
    if (key && a.hash_host) key = hashHostKey(host, key);
    if (key && !key.endsWith("\n")) key += "\n";
    if (key && /\S+(\s+)?,(\s+)?/.test(host))
      throw new ModuleFailure(
        "Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.",
      );

    const q = { path: a.path, host, key };
    const py = await ctx.conn.python?.(knownHostsProgram(q), { become: ctx.become });
    const r =
      py && py.rc === 0 && py.stdout !== "fallback\n"
        ? py
        : await ctx.conn.exec(knownHostsScript(q), { become: ctx.become });
    const lines = r.stdout.split("\n");
    if (r.rc !== 0 || lines.length < 10)
      throw new ModuleFailure(`could not read ${a.path}: ${r.stderr.trim() || `rc ${r.rc}`}`);
    const path = fromB64(lines[0]);
    const exists = lines[1] === "1";
    const dirExists = lines[2] === "1";
    const umask = parseInt(lines[3]!.trim() || "022", 8);
    const mode = exists ? parseInt(lines[4]!.trim(), 8) : 0o666 & ~umask;
    const before = fromB64(lines[5]);
    if (key && fromB64(lines[6]) === "")
      throw new ModuleFailure("Host parameter does not match hashed host field in supplied key");

    let s: Search = { found: false, replaceOrAdd: false, foundLine: null };
    if (exists) {
      const f = readCaptured(lines, 7);
      const notFound = f.stdout === "" && f.stderr === "" && (f.rc === 0 || f.rc === 1);
      if (notFound) s = { found: false, replaceOrAdd: false, foundLine: null };
      else if (f.rc !== 0)
        throw new ModuleFailure(`ssh-keygen failed (rc=${f.rc}, stdout='${f.stdout}',stderr='${f.stderr}')`);
      else s = searchOutput(f.stdout, key);
    }
    const after = afterText(before, s, a.state, key);
    const diff = { before_header: exists ? path : "/dev/null", after_header: path, before, after };
    const result: ModuleResult = {
      changed: false,
      name: a.name,
      key: a.key ?? null,
      path,
      hash_host: a.hash_host,
      state: a.state,
    };
    if (ctx.diff) result.diff = diff;
    if (a.state === "absent" && s.foundLine === null && key) return result;
    const changed = s.replaceOrAdd || (a.state === "present") !== s.found;
    if (ctx.check) return { changed, ...(ctx.diff ? { diff } : {}) };
    if (!changed) return result;

    if (s.found && !key && a.state === "absent") {
      // The whole host goes: ssh-keygen -R (which keeps a .old copy, as with Ansible).
      const rm = await ctx.conn.exec(`ssh-keygen -R ${quote(host)} -f ${pathWord(path)}`, {
        become: ctx.become,
      });
      if (rm.rc !== 0)
        throw new ModuleFailure(rm.stderr.trim() || `rc ${rm.rc}`, {
          cmd: `ssh-keygen -R ${host} -f ${path}`,
          rc: rm.rc,
        });
    } else {
      if (!dirExists) {
        const dir = path.replace(/\/[^/]*$/, "");
        throw new ModuleFailure(
          `Failed to write to file ${path}: [Errno 2] No such file or directory: '${dir}/tmp'`,
        );
      }
      // A new file gets the umask's mode and the running user; an existing one keeps its mode and owner.
      const script = `${PROBE_FUNCTIONS}\n${writeScript(path, { mode, keepOwner: exists, backup: false })}`;
      const w = await ctx.conn.exec(script, { become: ctx.become, stdin: after });
      if (w.rc !== 0)
        throw new ModuleFailure(`Failed to write to file ${path}: ${w.stderr.trim() || `rc ${w.rc}`}`);
    }
    result.changed = true;
    return result;
  },
};
