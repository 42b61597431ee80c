/**
 * A host's operation helpers for the play's other become identities, started at its first task in the play. A
 * helper costs its identity's first operation a sudo and a Python start (~20 ms on a busy host); started early it
 * is ready when that operation comes (the `creates:` check of a `become_user: backup` command, say) and its start
 * overlaps the tasks before. Which identities: those the play's tasks name (pre_tasks, roles, tasks, post_tasks,
 * as the tag selection leaves them), worked out with the host's variables. Warming is only a hint to the
 * connection (Connection.warm): an identity that cannot start a helper just goes on using channels.
 */
import { shouldRun } from "../playbook/tags.js";
import type { EffectiveKeywords, Play, Task } from "../playbook/types.js";
import type { Connection } from "../transport/types.js";
import { evaluateCondition } from "./conditions.js";
import type { Templar } from "../template/templar.js";
import { becomeFor } from "./connect.js";
import { flattenTasks } from "./handlers.js";
import type { RunOptions } from "./options.js";
import type { PlayState } from "./play-state.js";

type BecomeKeywords = Pick<EffectiveKeywords, "become" | "become_user" | "become_flags">;
interface Identity {
  kw: BecomeKeywords;
  tasks: Task[];
}

/** The distinct become keywords of the play's static tasks that the run's tags select, each with its tasks. */
function playIdentities(play: Play, options: RunOptions): Identity[] {
  const seen = new Map<string, Identity>();
  const tasks = flattenTasks([...play.pre_tasks, ...play.roleBlocks, ...play.tasks, ...play.post_tasks]);
  for (const t of tasks) {
    if (t.dynamic || t.action === "meta" || !shouldRun(t.effective.tags, options.tags)) continue;
    const { become, become_user, become_flags } = t.effective;
    const kw = { become, become_user, become_flags };
    const key = JSON.stringify(kw);
    const known = seen.get(key);
    if (known) known.tasks.push(t);
    else seen.set(key, { kw, tasks: [t] });
  }
  return [...seen.values()];
}

/**
 * Once per host and play (batch): asks `conn` to start the helpers of the play's become identities. An identity
 * whose every task `mightRunNow` rules out (its `when:` is false with what the host's variables say now) is left
 * alone: a helper nobody uses costs each host a sudo and a Python start right beside the play's first tasks.
 */
export function warmPlayHelpers(
  ps: PlayState,
  host: string,
  conn: Connection,
  t: Templar,
  has: (name: string) => boolean,
): void {
  if (!conn.warm) return;
  let first = false;
  ps.memo(`warm-helpers\0${host}`, () => (first = true));
  if (!first) return;
  const options = ps.run.options;
  for (const { kw, tasks } of ps.memo("become-identities", () => playIdentities(ps.play, options))) {
    if (!tasks.some((task) => mightRunNow(t, task))) continue;
    try {
      conn.warm(becomeFor(t, has, kw, options));
    } catch {
      // A become_user that does not template for this host: its task will say so when it runs.
    }
  }
}

/**
 * Whether a task's `when:` holds with the variables known now, for warming helpers (a hint only). Undecidable
 * (a variable registered later) counts as yes; so does a condition with a lookup, which must not run twice.
 */
function mightRunNow(templar: Templar, task: Task): boolean {
  return task.effective.when.every((c) => {
    if (typeof c === "string" && /\b(?:lookup|query|q)\s*\(/.test(c)) return true;
    try {
      return evaluateCondition(templar, c, task);
    } catch {
      return true;
    }
  });
}
