/**
 * A whole playbook: every play in order, then PLAY RECAP and Ansible's exit code (4 when a host was unreachable,
 * 2 when a host failed, 0 otherwise).
 */
import type { Playbook } from "../playbook/types.js";
import { ExitCode } from "../util/errors.js";
import type { RunContext } from "./context.js";
import type { RecapCounts } from "./events.js";
import { PlayRunner } from "./play-runner.js";
import { Templar } from "../template/templar.js";
import { evaluateCondition } from "./conditions.js";

export async function runPlaybook(run: RunContext, playbook: Playbook): Promise<number> {
  const started = Date.now();
  run.emit({ type: "playbook_start", file: playbook.file, check: run.options.check });
  for (const w of playbook.warnings) run.warn(w.message);
  for (const play of playbook.plays) {
    if (play.importConditions.length) {
      const t = new Templar({
        vars: { ...play.keywords.vars, ...run.options.extraVars },
        decryptVault: (v) => run.secrets.decryptString(v),
      });
      const fake = { location: play.location } as Parameters<typeof evaluateCondition>[2];
      if (!play.importConditions.every((c) => evaluateCondition(t, c, fake))) continue;
    }
    if (!(await new PlayRunner(run, play).execute())) break;
  }
  const hosts: Record<string, RecapCounts> = {};
  // Like Ansible's stats, the recap lists only hosts that had a result (a tag filter may leave some with none).
  for (const s of run.allStates) if (Object.values(s.counts).some((n) => n > 0)) hosts[s.name] = s.counts;
  run.emit({ type: "recap", hosts });
  const states = run.allStates;
  const exitCode = states.some((s) => s.counts.unreachable > 0)
    ? ExitCode.unreachable
    : states.some((s) => s.counts.failed > 0)
      ? ExitCode.hostFailed
      : ExitCode.ok;
  run.emit({ type: "playbook_end", exitCode, elapsedMs: Date.now() - started });
  return exitCode;
}
