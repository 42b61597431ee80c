/**
 * The user module's decisions as Ansible's generic (Linux) User class makes them: the useradd / usermod / userdel
 * command line, whether the password hash must be set (done apart, through `chpasswd -e` on stdin, so the hash is
 * never on a command line), and the chage step for password_expire_min/max. Pure: facts in, commands out.
 */
import { findGroup } from "./accounts.js";
import { ModuleFailure } from "./failure.js";
import { quote } from "./shell.js";
import { memberships, type UserFacts } from "./user-facts.js";

export interface UserArgs {
  name: string;
  state: "present" | "absent";
  uid?: number | null;
  non_unique: boolean;
  group?: string | null;
  groups?: string[] | null;
  comment?: string | null;
  home?: string | null;
  shell?: string | null;
  password?: string | null;
  force: boolean;
  remove: boolean;
  create_home: boolean;
  skeleton?: string | null;
  system: boolean;
  move_home: boolean;
  append: boolean;
  generate_ssh_key?: boolean | null;
  ssh_key_bits: number;
  ssh_key_type: string;
  ssh_key_file?: string | null;
  ssh_key_comment?: string | null;
  ssh_key_passphrase?: string | null;
  update_password: "always" | "on_create";
  expires?: number | null;
  password_lock?: boolean | null;
  password_expire_max?: number | null;
  password_expire_min?: number | null;
  local?: boolean | null;
  seuser?: string | null;
  umask?: string | null;
}

const HASH_RE = /[^a-zA-Z0-9./=]/;

/** Ansible's check_password_encrypted: true when the value does not look like a crypt hash. */
export function passwordLooksPlain(pw: string | null | undefined): boolean {
  if (!pw || ["*", "!", "*************"].includes(pw)) return false;
  let bad = /[:*!]/.test(pw);
  if (!pw.includes("$")) return true;
  const f = pw.split("$");
  if (f.length < 3) return true;
  const last = f.at(-1)!;
  if (HASH_RE.test(last)) bad = true;
  const len: Record<string, number> = { "1": 22, "5": 43, "6": 86 };
  if (len[f[1]!] !== undefined && last.length !== len[f[1]!]) bad = true;
  return bad;
}

/** The groups argument as Ansible joins it (`','.join(groups)`), or null when not given. */
export const groupsText = (a: UserArgs) => (a.groups == null ? null : a.groups.join(","));

/** get_groups_set: the named groups, each of which must exist; optionally without the user's primary group. */
function groupsSet(a: UserArgs, f: UserFacts, removeExisting: boolean): string[] {
  const text = groupsText(a) ?? "";
  const set = [
    ...new Set(
      text
        .split(",")
        .filter((x) => x)
        .map((x) => x.trim()),
    ),
  ];
  return set.filter((g) => {
    const info = findGroup(f.groups, g);
    if (!info) throw new ModuleFailure(`Group ${g} does not exist`);
    return !(removeExisting && f.passwd && info.gid === f.passwd.gid);
  });
}

/** time.strftime('%Y-%m-%d', time.gmtime(expires)). */
const ymd = (seconds: number) => new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 10);

const cmdline = (w: (string | number)[]) => w.map((x) => quote(String(x))).join(" ");

/** useradd's command line (create_user_useradd), without -p: the hash is set afterwards with chpasswd. */
export function useraddCommand(a: UserArgs, f: UserFacts): string {
  const w: (string | number)[] = ["useradd"];
  if (a.uid != null) w.push("-u", a.uid, ...(a.non_unique ? ["-o"] : []));
  if (a.seuser != null) w.push("-Z", a.seuser);
  if (a.group != null) {
    if (!findGroup(f.groups, a.group)) throw new ModuleFailure(`Group ${a.group} does not exist`);
    w.push("-g", a.group);
  } else if (findGroup(f.groups, a.name)) w.push("-N");
  const text = groupsText(a);
  if (text) w.push("-G", groupsSet(a, f, true).join(","));
  if (a.comment != null) w.push("-c", a.comment);
  if (a.home != null) w.push("-d", a.home);
  if (a.shell != null) w.push("-s", a.shell);
  if (a.expires != null) w.push("-e", a.expires < 0 ? "" : ymd(a.expires));
  if (a.create_home) {
    w.push("-m");
    if (a.skeleton != null) w.push("-k", a.skeleton);
    if (a.umask != null) w.push("-K", `UMASK=${a.umask}`);
  } else w.push("-M");
  if (a.system) w.push("-r");
  w.push(a.name);
  return cmdline(w);
}

export interface ModifyPlan {
  /** usermod's command line, or undefined when no option differs. */
  usermod?: string;
  /** The shadow field to set through chpasswd -e, when the password differs. */
  password?: string;
}

/** modify_user_usermod (usermod on Debian has --append). */
export function modifyPlan(a: UserArgs, f: UserFacts): ModifyPlan {
  const pw = f.passwd!;
  const w: (string | number)[] = [];
  if (a.uid != null && pw.uid !== a.uid) w.push("-u", a.uid, ...(a.non_unique ? ["-o"] : []));
  if (a.group != null) {
    const g = findGroup(f.groups, a.group);
    if (!g) throw new ModuleFailure(`Group ${a.group} does not exist`);
    if (pw.gid !== g.gid) w.push("-g", g.gid);
  }
  const text = groupsText(a);
  if (text !== null) {
    const current = memberships(f, a.name, false);
    let need = false;
    let groups: string[] = [];
    if (text === "") need = current.length > 0 && !a.append;
    else {
      groups = groupsSet(a, f, false);
      const diff = new Set([
        ...current.filter((g) => !groups.includes(g)),
        ...groups.filter((g) => !current.includes(g)),
      ]);
      if (diff.size) {
        if (a.append) {
          if (groups.some((g) => diff.has(g))) {
            w.push("-a");
            need = true;
          }
        } else need = true;
      }
    }
    if (need) w.push("-G", groups.join(","));
  }
  if (a.comment != null && pw.comment !== a.comment) w.push("-c", a.comment);
  if (a.home != null && pw.home !== a.home) w.push("-d", a.home, ...(a.move_home ? ["-m"] : []));
  if (a.shell != null && pw.shell !== a.shell) w.push("-s", a.shell);
  if (a.expires != null) {
    const cur = f.shadow?.expire ?? -1;
    if (a.expires < 0) {
      if (cur >= 0) w.push("-e", "");
    } else if (cur < 0 || ymd(cur * 86400) !== ymd(a.expires)) w.push("-e", ymd(a.expires));
  }
  // user_info: a one-character passwd field ("x") means the hash is in shadow.
  const hash = pw.passwd.length <= 1 ? (f.shadow?.hash ?? "") : pw.passwd;
  let lock: string | undefined;
  if (a.password_lock && !hash.startsWith("!")) lock = "-L";
  else if (a.password_lock === false && hash.startsWith("!")) lock = "-U";
  const plan: ModifyPlan = {};
  if (a.update_password === "always" && a.password != null && strip(hash) !== strip(a.password)) {
    // Setting the hash replaces -L/-U: a locked account gets "!" before it, as Ansible's `-p !hash`.
    plan.password = a.password_lock ? `!${a.password}` : a.password;
  } else if (lock) w.push(lock);
  if (w.length) plan.usermod = cmdline(["usermod", ...w, a.name]);
  return plan;
}

const strip = (s: string) => s.replace(/^!+/, "");

/** set_password_expire: chage's command line, or undefined when sp_min/sp_max already match. */
export function chageCommand(a: UserArgs, f: UserFacts): string | undefined {
  const min = a.password_expire_min != null && a.password_expire_min !== f.shadow?.min;
  const max = a.password_expire_max != null && a.password_expire_max !== f.shadow?.max;
  if (!min && !max) return undefined;
  const w: (string | number)[] = ["chage"];
  if (min) w.push("-m", a.password_expire_min!);
  if (max) w.push("-M", a.password_expire_max!);
  w.push(a.name);
  return cmdline(w);
}

/** userdel's command line (remove_user_userdel). */
export function userdelCommand(a: UserArgs): string {
  return cmdline(["userdel", ...(a.force ? ["-f"] : []), ...(a.remove ? ["-r"] : []), a.name]);
}

/** The user's properties for --diff (Ansible's user module has no diff; this shows what a change touches). */
export function userProps(f: UserFacts, name: string): Record<string, unknown> {
  const pw = f.passwd;
  if (!pw) return { name, state: "absent" };
  return {
    name,
    state: "present",
    uid: pw.uid,
    group: f.groups.find((g) => g.gid === pw.gid)?.name ?? pw.gid,
    groups: memberships(f, name, true).sort(),
    comment: pw.comment,
    home: pw.home,
    shell: pw.shell,
  };
}

/** What the properties will be once the arguments are applied (the --diff "after" in check mode). */
export function predictedProps(a: UserArgs, f: UserFacts): Record<string, unknown> {
  if (a.state === "absent") return { name: a.name, state: "absent" };
  const before = userProps(f, a.name);
  const out: Record<string, unknown> = { ...before, state: "present" };
  if (a.uid != null) out.uid = a.uid;
  if (a.group != null) out.group = findGroup(f.groups, a.group)?.name ?? a.group;
  const text = groupsText(a);
  if (text !== null) {
    const given = text
      .split(",")
      .filter(Boolean)
      .map((x) => x.trim());
    const base = a.append ? ((before.groups as string[] | undefined) ?? []) : [];
    out.groups = [...new Set([...base, ...given])].filter((g) => g !== out.group).sort();
  }
  if (a.comment != null) out.comment = a.comment;
  if (a.home != null) out.home = a.home;
  if (a.shell != null) out.shell = a.shell;
  return out;
}
