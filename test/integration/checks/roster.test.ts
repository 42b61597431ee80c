/** A roster of three students, one unreachable: two graded reports and one clear failure, graded in parallel. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  builtinDefinition,
  exitCodeFor,
  formatSummaryTable,
  gradeRoster,
  loadDefinitions,
  parseRoster,
} from "../../../src/checks/index.js";
import { lab } from "../lab-helpers.js";
import { courseRepository, setupCourse } from "./setup-course.js";

let dir: string;
let repo: string;

beforeAll(async () => {
  await setupCourse();
  dir = mkdtempSync(join(tmpdir(), "infra-check-roster-"));
  repo = courseRepository();
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (repo) rmSync(repo, { recursive: true, force: true });
});

test("two graded reports and one clear failure", async () => {
  // Port 1 on localhost refuses connections: a student whose VM is down.
  const csv = `name,inventory,repo\nann,${lab().inventory},${repo}\nbob,127.0.0.1,1,ubuntu,,${repo}\ncarl,${lab().inventory},${repo}\n`;
  writeFileSync(join(dir, "roster.csv"), csv);
  const entries = parseRoster(csv, join(dir, "roster.csv"));
  const reports = await gradeRoster(entries, {
    definitions: loadDefinitions([builtinDefinition("9")]),
    jobs: 3,
  });
  expect(reports.map((r) => r.student)).toEqual(["ann", "bob", "carl"]);
  for (const r of [reports[0]!, reports[2]!]) {
    expect(r.error).toBeUndefined();
    expect(r.score).toBe(r.maxScore);
  }
  expect(reports[1]!.unreachable).toEqual(["127.0.0.1"]);
  expect(reports[1]!.error).toMatch(/^unreachable: 127\.0\.0\.1: /);
  const summary = formatSummaryTable(reports);
  expect(summary).toMatch(/^ann +3 +3 +0 +graded$/m);
  // The repository is still graded (backup_sla.md: 1 point); every host check is not.
  expect(summary, summary).toMatch(
    /^bob +1 +3 +4 +could not run: unreachable: 127\.0\.0\.1: UNREACHABLE: connection refused/m,
  );
  expect(exitCodeFor(reports), summary).toBe(2);
});
