/**
 * ansible.builtin.group: a local group present (groupadd, or groupmod when its gid differs) or absent (groupdel),
 * as Ansible's generic Linux Group class does it. One getent reads the state; a change is one more exec that ends
 * by reading the group again. Ansible's group has no diff; infra shows one (name, gid, members, state) because a
 * user reviewing `--check --diff` wants to see which group appears, moves or goes, as the user module shows.
 */
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import {
  b64,
  captured,
  fromB64,
  parseGroups,
  readCaptured,
  SBIN_PATH,
  type Captured,
  type GroupEntry,
} from "./util/accounts.js";
import { dictDiff } from "./util/diff-text.js";
import { ModuleFailure } from "./util/failure.js";
import { quote } from "./util/shell.js";

interface GroupArgs {
  name: string;
  state: "present" | "absent";
  gid?: number | null;
  system: boolean;
  local: boolean;
  non_unique: boolean;
}

/** Reads the group (after running `cmd`, when given: its rc/stdout/stderr come first). */
async function readGroup(
  ctx: ModuleContext,
  name: string,
  cmd?: string,
): Promise<{ ran?: Captured; group?: GroupEntry }> {
  const script = [SBIN_PATH, ...(cmd ? [captured(cmd)] : []), b64(`getent group -- ${quote(name)}`)].join(
    "\n",
  );
  const r = await ctx.conn.exec(script, { become: ctx.become });
  const lines = r.stdout.split("\n");
  if (r.rc !== 0 || lines.length < (cmd ? 4 : 1))
    throw new ModuleFailure(`could not read the groups of ${ctx.host}: ${r.stderr.trim() || `rc ${r.rc}`}`);
  const ran = cmd ? readCaptured(lines, 0) : undefined;
  return { ...(ran ? { ran } : {}), group: parseGroups(fromB64(lines[cmd ? 3 : 0]))[0] };
}

/** The command Ansible's group_add / group_mod / group_del would run, or undefined when nothing differs. */
export function groupCommand(args: GroupArgs, current: GroupEntry | undefined): string | undefined {
  const name = quote(args.name);
  if (args.state === "absent") return current ? `groupdel ${name}` : undefined;
  const gid = args.gid != null ? ` -g ${args.gid}${args.non_unique ? " -o" : ""}` : "";
  if (!current) return `groupadd${gid}${args.system ? " -r" : ""} ${name}`;
  if (args.gid != null && current.gid !== args.gid) return `groupmod${gid} ${name}`;
  return undefined;
}

export const group: Module<GroupArgs> = {
  name: "group",
  aliases: ["ansible.builtin.group", "ansible.legacy.group"],
  args: {
    state: { type: "str", default: "present", choices: ["absent", "present"] },
    name: { type: "str", required: true },
    gid: { type: "int" },
    system: { type: "bool", default: false },
    local: { type: "bool", default: false },
    non_unique: { type: "bool", default: false },
  },
  rules: { requiredIf: [["non_unique", true, ["gid"]]] },
  checkMode: true,
  async run(args, ctx): Promise<ModuleResult> {
    if (args.local)
      throw new ModuleFailure(
        "Failed to find required executable lgroupadd in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      );
    const { group: current } = await readGroup(ctx, args.name);
    const cmd = groupCommand(args, current);
    const result: ModuleResult = { changed: false, name: args.name, state: args.state };
    const withDiff = (r: ModuleResult, after: GroupEntry | undefined) => {
      if (ctx.diff && cmd)
        r.diff = dictDiff({ before: groupProps(args.name, current), after: groupProps(args.name, after) });
      return r;
    };
    let now = current;
    if (cmd) {
      // A new group or a removal in check mode: Ansible exits with nothing but `changed`.
      if (ctx.check && (!current || args.state === "absent"))
        return withDiff({ changed: true }, predicted(args, current));
      if (!ctx.check) {
        const r = await readGroup(ctx, args.name, cmd);
        const ran = r.ran!;
        if (ran.rc !== 0) throw new ModuleFailure(ran.stderr, { name: args.name });
        if (ran.stdout) result.stdout = ran.stdout;
        if (ran.stderr) result.stderr = ran.stderr;
        now = r.group;
      }
      result.changed = true;
    }
    if (now) Object.assign(result, { system: args.system, gid: now.gid });
    if (ctx.check && cmd) now = predicted(args, current);
    return withDiff(result, now);
  },
};

/** What the group will look like after `cmd` (check mode): a new group's gid is the system's choice. */
function predicted(args: GroupArgs, current: GroupEntry | undefined): GroupEntry | undefined {
  if (args.state === "absent") return undefined;
  const gid = args.gid ?? current?.gid;
  return { name: args.name, gid: gid ?? -1, members: current?.members ?? [] };
}

function groupProps(name: string, g: GroupEntry | undefined): Record<string, unknown> {
  if (!g) return { name, state: "absent" };
  return { name, state: "present", gid: g.gid < 0 ? "(assigned by the system)" : g.gid, members: g.members };
}
