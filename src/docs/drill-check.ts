/**
 * `doc_drill` as `infra check` runs it on one host: read the repository's restore document, keep a copy of the
 * live data, run the service's section twice (each round verified as `restore_drill` verifies a backup: the
 * newest backup in a scratch database compared with the live one), then put the copy back. Results name the first
 * command that failed with the document's line, the user, the exit code and the command's own output.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fail, fixFor, pass, skip } from "../checks/lib/results.js";
import { matcher } from "../checks/lib/probe-output.js";
import { restoreDrillCheck } from "../checks/restore-drill.js";
import type { BecomeFor, CheckContext, PropertyResult } from "../checks/types.js";
import type { Connection } from "../transport/index.js";
import { drillDocument, type DrillReport, type Exec, type StepOutcome } from "./drill.js";
import { safetyNet } from "./drill-safety.js";
import { serviceById } from "./services.js";

export interface DocDrillSpec {
  /** The document in the repository (default backup_restore.md). */
  document?: string;
  service: "mysql" | "influxdb";
  /** Heading pattern of the service's section (default: the service's usual names). */
  section?: string;
  /** The duplicity URL the verification restores from. */
  target: string;
  database: string;
  /** Where the verification loads the backup (default `<database>_drill`). */
  scratch_database?: string;
  rounds?: number;
  /** Seconds one command may take (default 600). */
  timeout?: number;
  fix?: string | Record<string, string>;
}

/** The last lines of a command's output, on one line, for a one-line message. */
function tail(output: string, lines = 6): string {
  const kept = output.trim().split("\n").filter(Boolean).slice(-lines);
  return kept.length ? kept.join(" | ") : "no output";
}

function where(doc: string, s: StepOutcome): string {
  return `${doc}:${s.step.line}, as ${s.step.user}${s.step.host ? ` on ${s.step.host}` : ""}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Property results of a drill report: the section, then each round's commands and data. */
export function drillResults(
  spec: DocDrillSpec,
  doc: string,
  report: DrillReport<PropertyResult[]>,
): PropertyResult[] {
  const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
  const title = serviceById(spec.service)?.title ?? spec.service;
  const { section } = report;
  if (!section)
    return [
      fail(
        "section",
        `a ${title} section in ${doc}`,
        "none",
        `${doc} has no section whose heading matches ${headingOf(spec)}`,
        fix("section", `add "## Restore ${title}" with the commands that restore it`),
      ),
    ];
  if (!section.steps.length)
    return [
      fail(
        "section",
        `commands in "${section.heading}"`,
        "none",
        `the "${section.heading}" section of ${doc} has no shell commands in code blocks`,
        fix("section", "put each command in a fenced ```sh block or an indented block"),
      ),
    ];
  const control = section.control.length ? `; ${section.control.length} for the control machine not run` : "";
  const out: PropertyResult[] = [
    pass(
      "section",
      `commands in "${section.heading}"`,
      `${section.steps.length} commands (line ${section.line}${control})`,
    ),
  ];
  for (const r of report.rounds) {
    const expected = `round ${r.round}: every command of "${section.heading}" succeeds`;
    if (r.failed) {
      const f = r.failed;
      out.push(
        fail(
          "commands",
          expected,
          `\`${f.step.command}\` exited ${f.rc}`,
          `round ${r.round}: \`${f.step.command}\` (${where(doc, f)}) exited ${f.rc}: ${tail(f.output)}`,
          fix(
            "commands",
            `run the ${title} section of ${doc} by hand on a scratch host, twice, and fix the command`,
          ),
        ),
      );
      continue;
    }
    const slowest = [...r.steps].sort((a, b) => b.ms - a.ms)[0]!;
    out.push(
      pass(
        "commands",
        expected,
        `${r.steps.length} commands in ${seconds(r.ms)} (slowest: \`${slowest.step.command}\`, ${seconds(slowest.ms)})`,
      ),
    );
    for (const v of r.verified ?? []) out.push({ ...v, expected: `round ${r.round}: ${v.expected}` });
  }
  return out;
}

function headingOf(spec: DocDrillSpec): string {
  return spec.section ?? serviceById(spec.service)?.heading ?? spec.service;
}

export async function runDocDrill(
  spec: DocDrillSpec,
  conn: Connection,
  ctx: CheckContext & { become: BecomeFor },
): Promise<PropertyResult[]> {
  const doc = spec.document ?? "backup_restore.md";
  if (!ctx.repo) return [skip("document", doc, "no repository was given (--repo)")];
  const file = join(ctx.repo, doc);
  if (!existsSync(file))
    return [
      fail(
        "document",
        doc,
        "missing",
        `the repository has no ${doc}`,
        fixFor(spec.fix, "document", "write it and push"),
      ),
    ];
  const exec: Exec = async (script, timeoutS) => {
    try {
      const r = await conn.exec(script, { become: ctx.become, timeoutMs: timeoutS * 1000 });
      return { rc: r.rc, out: r.stdout + r.stderr };
    } catch (e) {
      return { rc: 124, out: `not finished: ${(e as Error).message}` };
    }
  };
  const made = await exec(`mktemp -d /tmp/infra-doc-drill.XXXXXX`, 30);
  const dir = made.out.trim();
  if (made.rc !== 0 || !dir.startsWith("/tmp/infra-doc-drill."))
    throw new Error(`could not make a scratch directory: ${made.out}`);
  const net = safetyNet(spec.service, spec.database, dir);
  const verifySpec = {
    service: spec.service,
    target: spec.target,
    database: spec.database,
    scratch_database: spec.scratch_database ?? `${spec.database}_drill`,
    fix: spec.fix,
  };
  let keep = false;
  try {
    const saved = (await exec(net.save, 600)).out.includes("saved");
    const report = await drillDocument(readFileSync(file, "utf8"), {
      heading: matcher(headingOf(spec)),
      connect: async () => exec,
      verify: () => restoreDrillCheck.run(verifySpec, conn, ctx),
      passed: (results) => results.every((r) => r.status === "pass"),
      rounds: spec.rounds,
      timeout: spec.timeout,
    });
    const results = drillResults(spec, doc, report);
    if (saved && report.rounds.length) {
      const back = await exec(net.putBack, 600);
      results.push(
        back.rc === 0
          ? pass("put_back", `${spec.database} as it was before the drill`, "put back")
          : fail(
              "put_back",
              `${spec.database} as it was before the drill`,
              `exit ${back.rc}`,
              `the drill could not put ${spec.database} back (${tail(back.out, 2)})`,
              `its copy is in ${dir} on the host`,
            ),
      );
      keep = back.rc !== 0;
    }
    return results;
  } finally {
    // A copy that could not be put back stays for a person to restore by hand.
    await exec(keep ? net.restart : `${net.restart}\nrm -rf ${dir}`, 120);
  }
}
