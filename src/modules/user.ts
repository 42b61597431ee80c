/**
 * ansible.builtin.user on Linux: useradd / usermod / userdel as Ansible's generic User class runs them, the password
 * hash set through `chpasswd -e` on stdin (never on a command line), the home created when missing, an SSH key
 * generated with ssh-keygen, and chage for password_expire_min/max. One script reads the state; a change costs one
 * more exec per phase (user, then home/key/expiry), each ending by reading the state again.
 */
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { captured, readCaptured, SBIN_PATH, type Captured } from "./util/accounts.js";
import { dictDiff } from "./util/diff-text.js";
import { ModuleFailure } from "./util/failure.js";
import { pathWord, quote } from "./util/shell.js";
import { ASKPASS_ENV, ASKPASS_SETUP } from "./util/ssh-keygen.js";
import { parseUserFacts, USER_FACT_LINES, userFactsScript, type UserFacts } from "./util/user-facts.js";
import {
  chageCommand,
  groupsText,
  modifyPlan,
  passwordLooksPlain,
  predictedProps,
  useraddCommand,
  userdelCommand,
  userProps,
  type UserArgs,
} from "./util/user-plan.js";
import { userFactsProgram } from "./util/user-facts-python.js";

/** Ansible's create_homedir: a copy of the skeleton (or an empty dir), then the mode login.defs' UMASK gives. */
const MKHOME = [
  `_mkhome() {`,
  `  [ -e "$1" ] && return 0`,
  `  if [ -e "$2" ]; then mkdir -p -- "$(dirname -- "$1")" && cp -R -P -p -- "$2" "$1" || return 1; else mkdir -p -- "$1" || return 1; fi`,
  `  _um=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-9]\\{1,\\}\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)`,
  `  if [ -n "$_um" ]; then chmod "$(printf '%o' $(( 0777 & ~0$_um )))" -- "$1"; fi`,
  `}`,
].join("\n");

/** Runs a phase's steps (each printing a `captured` triple) and reads the facts again after them. */
async function runPhase(
  ctx: ModuleContext,
  args: UserArgs,
  steps: string[],
  stdin?: string,
): Promise<{ ran: Captured[]; facts: UserFacts }> {
  const script = [
    SBIN_PATH,
    ...(stdin !== undefined && steps.some((s) => s.includes("$_ad")) ? [ASKPASS_SETUP] : []),
    MKHOME,
    ...steps,
    factsScript(args),
  ].join("\n");
  const r = await ctx.conn.exec(script, { become: ctx.become, ...(stdin !== undefined ? { stdin } : {}) });
  const lines = r.stdout.split("\n");
  if (r.rc !== 0 || lines.length < steps.length * 3 + USER_FACT_LINES)
    throw new ModuleFailure(
      `could not change user ${args.name} on ${ctx.host}: ${r.stderr.trim() || `rc ${r.rc}`}`,
      { name: args.name },
    );
  const ran = steps.map((_, i) => readCaptured(lines, i * 3));
  return { ran, facts: parseUserFacts(lines, steps.length * 3) };
}

const sshFile = (a: UserArgs) => a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`;
const factsScript = (a: UserArgs) => userFactsScript(factsQuery(a));

const factsQuery = (a: UserArgs) => ({ name: a.name, home: a.home ?? null, sshFile: sshFile(a) });

async function readFacts(ctx: ModuleContext, a: UserArgs): Promise<UserFacts> {
  const r =
    (await ctx.conn.python?.(userFactsProgram(factsQuery(a)), { become: ctx.become })) ??
    (await ctx.conn.exec(factsScript(a), { become: ctx.become }));
  const lines = r.stdout.split("\n");
  if (r.rc !== 0 || lines.length < USER_FACT_LINES)
    throw new ModuleFailure(
      `could not read user ${a.name} on ${ctx.host}: ${r.stderr.trim() || `rc ${r.rc}`}`,
    );
  return parseUserFacts(lines);
}

const failOn = (c: Captured, name: string) => {
  if (c.rc !== 0) throw new ModuleFailure(c.stderr, { name, rc: c.rc });
};

/** ssh_key_gen's decision: the steps to run (none when a key file is in the way), with Ansible's warnings. */
function keygenPlan(
  a: UserArgs,
  f: UserFacts,
  ctx: ModuleContext,
): { steps: string[]; changed: boolean; stdin?: string } {
  const pw = f.passwd!;
  const relative = !(a.ssh_key_file ?? "").match(/^(\/|~$|~\/)/);
  if (relative && !f.homeExists && !ctx.check)
    throw new ModuleFailure(`User ${a.name} home directory does not exist`, { name: a.name, rc: 1 });
  const key = pathWord(f.keyFile);
  const dir = `"$(dirname -- ${key})"`;
  const pre: string[] = [];
  if (!f.keyDirExists) {
    if (ctx.check) return { steps: [], changed: true };
    pre.push(`{ mkdir -m 0700 -- ${dir} && chown ${pw.uid}:${pw.gid} -- ${dir}; }`);
  }
  let overwrite = false;
  if (f.keyExists) {
    if (!a.force) {
      ctx.warn(
        `Found existing ssh key private file "${f.keyFile}", no force, so skipping ssh-keygen generation`,
      );
      return { steps: [], changed: false };
    }
    ctx.warn(`Overwriting existing ssh key private file "${f.keyFile}"`);
    overwrite = true;
  }
  if (f.pubExists) {
    if (!a.force) {
      ctx.warn(
        `Found existing ssh key public file "${f.keyFile}.pub", no force, so skipping ssh-keygen generation`,
      );
      return { steps: [], changed: false };
    }
    ctx.warn(`Overwriting existing ssh key public file "${f.keyFile}.pub"`);
    pre.push(`rm -f -- ${pathWord(`${f.keyFile}.pub`)}`);
  }
  if (ctx.check) return { steps: [], changed: true };
  const comment = a.ssh_key_comment ?? `ansible-generated on ${f.hostname}`;
  const gen = [
    `ssh-keygen -t ${quote(a.ssh_key_type)}`,
    ...(a.ssh_key_bits > 0 ? [`-b ${a.ssh_key_bits}`] : []),
    `-C ${quote(comment)} -f ${key}`,
  ];
  const pass = a.ssh_key_passphrase != null;
  // ssh-keygen asks before overwriting a key: Ansible answers "y" on stdin.
  const keygen = `${overwrite ? "printf 'y\\n' | " : ""}${pass ? `${ASKPASS_ENV} ` : ""}${gen.join(" ")}${pass ? "" : " -N ''"}${overwrite ? "" : " </dev/null"}`;
  const step = captured(
    [...pre, keygen, `chown ${pw.uid}:${pw.gid} -- ${key} ${pathWord(`${f.keyFile}.pub`)}`].join(" && "),
  );
  return { steps: [step], changed: true, ...(pass ? { stdin: a.ssh_key_passphrase! } : {}) };
}

export const user: Module<UserArgs> = {
  name: "user",
  aliases: ["ansible.builtin.user", "ansible.legacy.user"],
  args: {
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    name: { type: "str", required: true, aliases: ["user"] },
    uid: { type: "int" },
    non_unique: { type: "bool", default: false },
    group: { type: "str" },
    groups: { type: "list", elements: "str" },
    comment: { type: "str" },
    home: { type: "path" },
    shell: { type: "str" },
    password: { type: "str", noLog: true },
    login_class: { type: "str" },
    password_expire_max: { type: "int" },
    password_expire_min: { type: "int" },
    hidden: { type: "bool" },
    seuser: { type: "str" },
    force: { type: "bool", default: false },
    remove: { type: "bool", default: false },
    create_home: { type: "bool", default: true, aliases: ["createhome"] },
    skeleton: { type: "str" },
    system: { type: "bool", default: false },
    move_home: { type: "bool", default: false },
    append: { type: "bool", default: false },
    generate_ssh_key: { type: "bool" },
    ssh_key_bits: { type: "int", default: 0 },
    ssh_key_type: { type: "str", default: "rsa" },
    ssh_key_file: { type: "path" },
    ssh_key_comment: { type: "str" },
    ssh_key_passphrase: { type: "str", noLog: true },
    update_password: { type: "str", default: "always", choices: ["always", "on_create"] },
    expires: { type: "float" },
    password_lock: { type: "bool" },
    local: { type: "bool" },
    profile: { type: "str" },
    authorization: { type: "str" },
    role: { type: "str" },
    umask: { type: "str" },
  },
  checkMode: true,
  async run(a, ctx): Promise<ModuleResult> {
    if (a.local)
      throw new ModuleFailure(
        "Failed to find required executable luseradd in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      );
    if (a.umask != null && a.local) throw new ModuleFailure("'umask' can not be used with 'local'");
    if (a.groups == null && a.append)
      ctx.warn(
        "'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups.This will change to an error in Ansible 2.14.",
      );
    if (passwordLooksPlain(a.password))
      ctx.warn(
        "The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.",
      );

    const before = await readFacts(ctx, a);
    let facts = before;
    const result: ModuleResult = { changed: false, name: a.name, state: a.state };
    const withDiff = (r: ModuleResult, after: Record<string, unknown>) => {
      if (ctx.diff) r.diff = dictDiff({ before: userProps(before, a.name), after });
      return r;
    };

    if (a.state === "absent") {
      if (!before.passwd) return result;
      if (ctx.check) return withDiff({ changed: true }, { name: a.name, state: "absent" });
      const { ran } = await runPhase(ctx, a, [captured(userdelCommand(a))]);
      if (ran[0]!.rc !== 0) throw new ModuleFailure(ran[0]!.stderr, { name: a.name, rc: ran[0]!.rc });
      Object.assign(result, { changed: true, force: a.force, remove: a.remove }, outputs(ran[0]!));
      return withDiff(result, { name: a.name, state: "absent" });
    }

    let passwordChanged = false;
    if (!before.passwd) {
      if (ctx.check) return withDiff({ changed: true }, predictedProps(a, before));
      // A home whose parent is missing is made first (useradd cannot), and handed to the user afterwards.
      const parents = a.home != null && a.create_home && !before.homeParentIsDir;
      const steps = [
        ...(parents ? [captured(`_mkhome ${pathWord(a.home!)} ${pathWord(a.skeleton ?? "/etc/skel")}`)] : []),
        captured(useraddCommand(a, before)),
      ];
      const hash = a.password != null ? (a.password_lock ? `!${a.password}` : a.password) : undefined;
      if (hash !== undefined) steps.push(captured(`[ "$_rc" = 0 ] && chpasswd -e`));
      if (parents)
        steps.push(
          captured(
            `_u=$(id -u -- ${quote(a.name)}) && chown -R "$_u:$(id -g -- ${quote(a.name)})" -- ${pathWord(a.home!)}`,
          ),
        );
      const out = await runPhase(ctx, a, steps, hash !== undefined ? `${a.name}:${hash}\n` : undefined);
      const add = out.ran[parents ? 1 : 0]!;
      failOn(add, a.name);
      if (hash !== undefined) failOn(out.ran[parents ? 2 : 1]!, a.name);
      facts = out.facts;
      Object.assign(result, { changed: true, system: a.system, create_home: a.create_home }, outputs(add));
      passwordChanged = hash !== undefined;
    } else {
      const plan = modifyPlan(a, before);
      if (plan.usermod || plan.password !== undefined) {
        result.changed = true;
        passwordChanged = plan.password !== undefined;
        if (!ctx.check) {
          const steps = [
            ...(plan.usermod ? [captured(plan.usermod)] : []),
            ...(plan.password !== undefined ? [captured("chpasswd -e")] : []),
          ];
          const out = await runPhase(
            ctx,
            a,
            steps,
            plan.password !== undefined ? `${a.name}:${plan.password}\n` : undefined,
          );
          for (const c of out.ran) failOn(c, a.name);
          if (plan.usermod) Object.assign(result, outputs(out.ran[0]!));
          facts = out.facts;
        }
      }
      Object.assign(result, { append: a.append, move_home: a.move_home });
    }
    if (a.password != null) result.password = "NOT_LOGGING_PASSWORD";
    if (!facts.passwd) throw new ModuleFailure(`failed to look up user name: ${a.name}`, { name: a.name });

    // Second phase, on the user as it now is: a missing home, the SSH key, password ageing.
    const steps: string[] = [];
    let stdin: string | undefined;
    const pw = facts.passwd;
    if (!facts.homeExists && a.create_home) {
      result.changed = true;
      const home = pathWord(a.home ?? pw.home);
      steps.push(
        captured(
          `_mkhome ${home} ${pathWord(a.skeleton ?? "/etc/skel")} && chown -R ${pw.uid}:${pw.gid} -- ${home}`,
        ),
      );
    }
    const homeStep = steps.length;
    if (a.generate_ssh_key) {
      const k = keygenPlan(a, { ...facts, homeExists: facts.homeExists || a.create_home }, ctx);
      if (k.changed) result.changed = true;
      steps.push(...k.steps);
      stdin = k.stdin;
    }
    const chage = chageCommand(a, facts);
    if (chage) result.changed = true;
    if (chage && !ctx.check) steps.push(captured(chage));
    if (steps.length && !ctx.check) {
      const out = await runPhase(ctx, a, steps, stdin);
      if (homeStep > 0 && out.ran[0]!.rc !== 0)
        throw new ModuleFailure(out.ran[0]!.stderr.trim(), { name: a.name });
      for (const c of out.ran.slice(homeStep)) failOn(c, a.name);
      facts = out.facts;
    }

    const now = facts.passwd!;
    Object.assign(result, {
      uid: now.uid,
      group: now.gid,
      comment: now.comment,
      home: now.home,
      shell: now.shell,
    });
    const gt = groupsText(a);
    if (gt !== null) result.groups = gt;
    if (a.generate_ssh_key) {
      const fp = facts.fingerprint;
      result.ssh_fingerprint =
        !facts.keyExists || !fp ? "" : fp.rc === 0 ? fp.stdout.trim() : fp.stderr.trim();
      result.ssh_key_file = facts.keyFile;
      result.ssh_public_key = facts.publicKey;
    }
    if (ctx.diff) {
      const old = userProps(before, a.name);
      const after = ctx.check ? predictedProps(a, before) : userProps(facts, a.name);
      // A new hash shows as a changed line; the hashes themselves never go into the output.
      if (passwordChanged) {
        old.password = "(old hash)";
        after.password = "(new hash)";
      }
      result.diff = dictDiff({ before: old, after });
    }
    return result;
  },
};

/** run_command's stdout/stderr as Ansible adds them to the result (only when not empty). */
function outputs(c: Captured): Record<string, string> {
  return { ...(c.stdout ? { stdout: c.stdout } : {}), ...(c.stderr ? { stderr: c.stderr } : {}) };
}
