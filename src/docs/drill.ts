/**
 * The restore drill of a document: the commands of one service's section, run in order on the host as the user
 * the text names, stopping at the first that fails; then a verification of the data; all of it in rounds (the lab
 * asks for two, because the first run hides what a second one trips over: a restore directory that exists, a
 * database that was not dropped). Pure apart from the functions it is given: the text, a way to run a script as
 * root on a host, and the verification.
 */
import { shellQuote } from "../transport/index.js";
import { documentSection, type CommandStep, type DocSection } from "./doc-commands.js";

/** Runs a POSIX shell script as root on the host; never rejects for a failing command. */
export type Exec = (script: string, timeoutS: number) => Promise<{ rc: number; out: string }>;

/** The way to run scripts on the host a step names (undefined: the service's own host). */
export type ConnectFor = (host: string | undefined) => Promise<Exec>;

export interface StepOutcome {
  step: CommandStep;
  rc: number;
  /** stdout and stderr interleaved, as the reader would see them. */
  output: string;
  ms: number;
}

export interface RoundOutcome<V> {
  round: number;
  steps: StepOutcome[];
  /** The first command that failed; then no verification ran. */
  failed?: StepOutcome;
  /** What the verification said, when every command succeeded. */
  verified?: V;
  ms: number;
}

export interface DrillReport<V> {
  section?: DocSection;
  rounds: RoundOutcome<V>[];
}

export interface DrillOptions<V> {
  /** Pattern of the service's heading. */
  heading: (title: string) => boolean;
  connect: ConnectFor;
  /** Checks the data after a round's commands; runs on the service's own host. */
  verify: (exec: Exec, round: number) => Promise<V>;
  /** Whether a verification passed (a failed one ends the drill like a failed command). */
  passed: (v: V) => boolean;
  rounds?: number;
  /** Seconds one command may take. */
  timeout?: number;
}

const CWD_MARK = "__infra_drill_cwd|";

/** One command as its user, in the directory the previous command of that user left (home at first). */
export function stepScript(step: CommandStep, cwd: string | undefined): string {
  const go = cwd ? `cd ${shellQuote(cwd)} 2>/dev/null || cd` : "cd";
  const inner = `${go}; exec 2>&1\n${step.command}\nrc=$?; printf '\\n${CWD_MARK}%s\\n' "$(pwd)"; exit $rc`;
  const bash = `/bin/bash -c ${shellQuote(inner)}`;
  return step.user === "root" ? bash : `sudo -H -n -u ${shellQuote(step.user)} -- ${bash}`;
}

/** The command's own output without the directory marker, and that directory. */
export function splitOutput(out: string): { output: string; cwd?: string } {
  const at = out.lastIndexOf(`\n${CWD_MARK}`);
  if (at < 0) return { output: out };
  const cwd = out.slice(at + CWD_MARK.length + 1).split("\n")[0];
  return { output: out.slice(0, at), cwd };
}

async function runRound<V>(
  section: DocSection,
  opts: DrillOptions<V>,
  round: number,
): Promise<RoundOutcome<V>> {
  const started = Date.now();
  const steps: StepOutcome[] = [];
  const cwds = new Map<string, string>();
  for (const step of section.steps) {
    const exec = await opts.connect(step.host);
    const t0 = Date.now();
    const key = `${step.host ?? ""}|${step.user}`;
    const r = await exec(stepScript(step, cwds.get(key)), opts.timeout ?? 600);
    const { output, cwd } = splitOutput(r.out);
    if (cwd) cwds.set(key, cwd);
    const outcome = { step, rc: r.rc, output, ms: Date.now() - t0 };
    steps.push(outcome);
    if (r.rc !== 0) return { round, steps, failed: outcome, ms: Date.now() - started };
  }
  const verified = await opts.verify(await opts.connect(undefined), round);
  return { round, steps, verified, ms: Date.now() - started };
}

/** Runs the section's commands `rounds` times (default 2), stopping at the first failure of either kind. */
export async function drillDocument<V>(text: string, opts: DrillOptions<V>): Promise<DrillReport<V>> {
  const section = documentSection(text, opts.heading);
  if (!section || !section.steps.length) return { section, rounds: [] };
  const rounds: RoundOutcome<V>[] = [];
  for (let round = 1; round <= (opts.rounds ?? 2); round++) {
    const r = await runRound(section, opts, round);
    rounds.push(r);
    if (r.failed || (r.verified !== undefined && !opts.passed(r.verified))) break;
  }
  return { section, rounds };
}
