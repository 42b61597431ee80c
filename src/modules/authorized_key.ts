/**
 * ansible.posix.authorized_key: adds or removes SSH keys (one or several lines) in a user's authorized_keys, with
 * key_options, comment and exclusive, writing the file Ansible writes (its parse/serialize rules live in
 * util/authorized-keys.ts). One probe reads the user and the file (util/authorized-key-probe.ts); a change is one script that makes ~/.ssh (0700)
 * and the file (0600) owned by the user, as Ansible's keyfile() does, then replaces the file atomically.
 */
import type { Module, ModuleResult } from "./types.js";
import { fromB64, parsePasswd } from "./util/accounts.js";
import { authorizedKeyProgram, authorizedKeyScript } from "./util/authorized-key-probe.js";
import { enforce, InvalidKeyError } from "./util/authorized-keys.js";
import { ModuleFailure } from "./util/failure.js";
import { PROBE_FUNCTIONS } from "./util/probe.js";
import { pathWord } from "./util/shell.js";
import { writeScript } from "./util/write-file.js";

interface AuthorizedKeyArgs {
  user: string;
  key: string;
  path?: string | null;
  manage_dir: boolean;
  state: "present" | "absent";
  key_options?: string | null;
  exclusive: boolean;
  comment?: string | null;
  validate_certs: boolean;
  follow: boolean;
}

export const authorizedKey: Module<AuthorizedKeyArgs> = {
  name: "authorized_key",
  aliases: [
    "ansible.posix.authorized_key",
    "ansible.builtin.authorized_key",
    "ansible.legacy.authorized_key",
  ],
  args: {
    user: { type: "str", required: true },
    key: { type: "str", required: true, noLog: false },
    path: { type: "path" },
    manage_dir: { type: "bool", default: true },
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    key_options: { type: "str", noLog: false },
    exclusive: { type: "bool", default: false },
    comment: { type: "str" },
    validate_certs: { type: "bool", default: true },
    follow: { type: "bool", default: false },
  },
  checkMode: true,
  async run(a, ctx): Promise<ModuleResult> {
    if (a.key.startsWith("http"))
      throw new ModuleFailure(
        `Error getting key from: ${a.key} (infra does not fetch keys from URLs; read them with a lookup)`,
      );
    const q = { user: a.user, ...(a.path != null ? { path: a.path } : {}) };
    const r =
      (await ctx.conn.python?.(authorizedKeyProgram(q), { become: ctx.become })) ??
      (await ctx.conn.exec(authorizedKeyScript(q), { become: ctx.become }));
    const lines = r.stdout.split("\n");
    if (r.rc !== 0 || lines.length < 4)
      throw new ModuleFailure(`could not read the keys of ${a.user}: ${r.stderr.trim() || `rc ${r.rc}`}`);
    const pw = parsePasswd(fromB64(lines[0]));
    // In check mode with a path, Ansible never looks the user up.
    if (!pw && !(ctx.check && a.path != null)) {
      if (ctx.check)
        throw new ModuleFailure(
          "Either user must exist or you must provide full path to key file in check mode",
        );
      throw new ModuleFailure(`Failed to lookup user ${a.user}: "getpwnam(): name not found: '${a.user}'"`);
    }
    const keyfile = fromB64(lines[1]);
    const target = a.follow ? fromB64(lines[2]).replace(/\n$/, "") : keyfile; // realpath ends its line
    const existing = fromB64(lines[3]);

    let content: string | undefined;
    try {
      content = enforce(existing, {
        key: a.key,
        state: a.state,
        exclusive: a.exclusive,
        key_options: a.key_options ?? null,
        comment: a.comment ?? null,
      });
    } catch (e) {
      if (e instanceof InvalidKeyError) throw new ModuleFailure(e.message);
      throw e;
    }
    const result: ModuleResult = { ...a, keyfile, changed: false };
    if (content === undefined) return result;
    result.changed = true;
    if (ctx.diff)
      result.diff = { before_header: keyfile, after_header: target, before: existing, after: content };
    if (ctx.check) return result;

    const own = `${pw!.uid}:${pw!.gid}`;
    const dir =
      a.path != null ? pathWord(a.path.replace(/\/[^/]*$/, "") || "/") : pathWord(`${pw!.home}/.ssh`);
    const t = pathWord(target);
    const script = [
      PROBE_FUNCTIONS,
      ...(a.manage_dir
        ? [
            `if [ ! -e ${dir} ]; then mkdir -m 0700 -- ${dir} || exit 1; fi`,
            `chown ${own} -- ${dir} && chmod 0700 -- ${dir} || exit 1`,
          ]
        : []),
      `if [ ! -e ${t} ]; then mkdir -p -- "$(dirname -- ${t})" && : >${t} || exit 1; fi`,
      `chown ${own} -- ${t} 2>/dev/null; chmod 0600 -- ${t} 2>/dev/null`,
      writeScript(target, { mode: 0o600, keepOwner: true, backup: false }),
    ].join("\n");
    const w = await ctx.conn.exec(script, { become: ctx.become, stdin: content });
    if (w.rc !== 0)
      throw new ModuleFailure(`Failed to write to file ${target}: ${w.stderr.trim() || `rc ${w.rc}`}`);
    return result;
  },
};
