import { afterEach, describe, expect, it } from "vitest";
import { JsonLinesReporter } from "../../../src/report/json-lines.js";
import { clearSecrets, registerSecret } from "../../../src/vault/censor.js";
import { VaultString } from "../../../src/vault/vault-string.js";
import { Capture, Script } from "./helpers.js";

afterEach(clearSecrets);

function run(script: Script, verbosity = 0): Record<string, unknown>[] {
  const out = new Capture();
  const reporter = new JsonLinesReporter({ out, verbosity });
  for (const event of script.events) reporter.emit(event);
  expect(out.text.endsWith("\n")).toBe(true);
  return out.text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("JSON lines reporter", () => {
  it("writes one object per event and ends with the summary", () => {
    const s = new Script().start("site.yml").play("Web", ["h1"]);
    s.task("Install", "apt", "site.yml:4").changed(
      "h1",
      { changed: true, _ansible_no_log: false, stdout: "done" },
      {
        diff: [{ before: "a\n", after: "b\n" }],
      },
    );
    s.event({ type: "handler_notified", host: "h1", handler: "restart" });
    s.recap({ h1: { ok: 1, changed: 1 } }).end(0, 5321);
    const lines = run(s);
    expect(lines.map((l) => l.type)).toEqual([
      "playbook_start",
      "play_start",
      "task_start",
      "host_result",
      "handler_notified",
      "recap",
      "summary",
    ]);
    expect(lines[2]).toEqual({
      type: "task_start",
      task: { name: "Install", action: "apt", path: "site.yml:4", handler: false },
    });
    expect(lines[3]).toEqual({
      type: "host_result",
      task: { name: "Install", action: "apt", path: "site.yml:4", handler: false },
      host: "h1",
      status: "changed",
      result: { changed: true, stdout: "done" },
      diff: [{ before: "a\n", after: "b\n" }],
    });
    const counts = { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
    expect(lines[6]).toEqual({ type: "summary", hosts: { h1: counts }, exitCode: 0, elapsedMs: 5321 });
  });

  it("keeps loop and delegation fields, and verbose lines only up to the run's verbosity", () => {
    const s = new Script().play("p", ["h1"]);
    s.event({ type: "verbose", level: 1, message: "shown at -v" });
    s.event({ type: "verbose", level: 3, host: "h1", message: "only at -vvv" });
    s.task("Loop", "debug").ok("h1", { msg: "a" }, { itemLabel: "a", delegatedTo: "h2" });
    s.ok("h1", { results: [] }, { loopSummary: true, ignored: false });
    const lines = run(s, 1);
    expect(lines.filter((l) => l.type === "verbose")).toEqual([
      { type: "verbose", level: 1, message: "shown at -v" },
    ]);
    const results = lines.filter((l) => l.type === "host_result");
    expect(results[0]).toMatchObject({ itemLabel: "a", delegatedTo: "h2" });
    expect(results[1]).toMatchObject({ loopSummary: true });
    expect(results[1]).not.toHaveProperty("ignored");
  });

  it("censors secrets anywhere, also where JSON would escape them, and never prints vaulted values", () => {
    registerSecret('pa"ss\\word');
    const s = new Script().play("p", ["h1"]);
    s.task("t", "command").ok("h1", {
      cmd: 'echo pa"ss\\word',
      nested: [{ 'pa"ss\\word': 1 }],
      vaulted: new VaultString("$ANSIBLE_VAULT;1.1;AES256\n3132"),
    });
    const out = new Capture();
    const reporter = new JsonLinesReporter({ out, verbosity: 0 });
    for (const event of s.events) reporter.emit(event);
    expect(out.text).not.toContain("ss\\\\word");
    const result = (JSON.parse(out.text.trimEnd().split("\n").pop()!) as { result: Record<string, unknown> })
      .result;
    expect(result).toEqual({ cmd: "echo ********", nested: [{ "********": 1 }], vaulted: "<vaulted>" });
  });
});
