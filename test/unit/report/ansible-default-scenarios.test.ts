import { describe, expect, it } from "vitest";
import { AnsibleDefaultReporter, type AnsibleDefaultOptions } from "../../../src/report/ansible-default.js";
import { NO_LOG_MESSAGE } from "../../../src/report/no-log.js";
import { Capture, fixture, Script, withoutCliPreamble } from "./helpers.js";

function render(script: Script, options: Partial<AnsibleDefaultOptions> = {}) {
  const out = new Capture();
  const err = new Capture();
  const reporter = new AnsibleDefaultReporter({
    out,
    err,
    color: false,
    verbosity: 0,
    diff: false,
    ...options,
  });
  for (const event of script.events) reporter.emit(event);
  return { out: out.text, err: err.text };
}

const item = (value: unknown, result: Record<string, unknown>) => ({
  ...result,
  item: value,
  ansible_loop_var: "item",
  _ansible_item_label: value,
});
const skippedItem = (value: unknown) =>
  item(value, { changed: false, skipped: true, skip_reason: "Conditional result was False" });

describe("default reporter against recorded ansible-playbook runs", () => {
  it("loops: item lines, summaries shown only when Ansible shows them, no_log items", () => {
    const s = new Script().play("Loops", ["h1"]);
    s.task("Loop ok", "debug")
      .ok("h1", item("a", { msg: "a", changed: false }), { itemLabel: "a" })
      .ok("h1", item("b", { msg: "b", changed: false }), { itemLabel: "b" })
      .ok("h1", { changed: false, msg: "All items completed", results: [] }, { loopSummary: true });
    s.task("Loop changed and skipped", "command")
      .changed("h1", item("one", { changed: true, rc: 0, stdout: "one" }), { itemLabel: "one" })
      .result("h1", "skipped", skippedItem("skip"), { itemLabel: "skip" })
      .ok("h1", item("three", { changed: false, rc: 0, stdout: "three" }), { itemLabel: "three" })
      .changed("h1", { changed: true, results: [] }, { loopSummary: true });
    s.task("Loop with label", "debug")
      .ok("h1", item({ name: "x", v: 1 }, { msg: "x", changed: false }), { itemLabel: "x" })
      .ok("h1", item({ name: "y", v: 2 }, { msg: "y", changed: false }), { itemLabel: "y" })
      .ok("h1", { changed: false, results: [] }, { loopSummary: true });
    s.task("Loop all skipped", "debug")
      .result("h1", "skipped", skippedItem(1), { itemLabel: "1" })
      .result("h1", "skipped", skippedItem(2), { itemLabel: "2" })
      .result("h1", "skipped", { changed: false, skipped: true, results: [] }, { loopSummary: true });
    s.task("Loop fail ignored", "fail")
      .result("h1", "skipped", skippedItem(1), { itemLabel: "1" })
      .failed("h1", item(2, { changed: false, msg: "bad 2" }), { itemLabel: "2" })
      .failed(
        "h1",
        { changed: false, msg: "One or more items failed", results: [] },
        { loopSummary: true, ignored: true },
      );
    s.task("Loop no_log", "debug")
      .ok("h1", { censored: NO_LOG_MESSAGE, changed: false }, { itemLabel: "None" })
      .ok("h1", { censored: NO_LOG_MESSAGE, changed: false }, { loopSummary: true });
    s.recap({ h1: { ok: 5, changed: 1, skipped: 1, ignored: 1 } });
    expect(render(s).out).toBe(fixture("loops.stdout.txt"));
  });

  const noLogScript = () => {
    const s = new Script().play("all", ["h1"]);
    s.task("Hidden ok", "debug").ok("h1", { censored: NO_LOG_MESSAGE });
    s.task("Hidden changed", "command").changed("h1", { censored: NO_LOG_MESSAGE, changed: true });
    s.task("Hidden failure", "fail").failed(
      "h1",
      { censored: NO_LOG_MESSAGE, changed: false },
      { ignored: true },
    );
    return s.recap({ h1: { ok: 3, changed: 1, ignored: 1 } });
  };

  it("no_log results show Ansible's censored text", () => {
    expect(render(noLogScript()).out).toBe(fixture("nolog.stdout.txt"));
    expect(render(noLogScript(), { verbosity: 1 }).out).toBe(
      withoutCliPreamble(fixture("nolog-v.stdout.txt")),
    );
  });

  it("warnings, deprecations, tracebacks, delegation and plays without hosts", () => {
    const warned = {
      changed: true,
      answer: 42,
      warnings: [
        "this is a warning from the module that is long enough to be wrapped by textwrap at seventy-nine columns, surely",
      ],
      deprecations: [{ msg: "old option is old", version: "2.99", collection_name: "ansible.builtin" }],
    };
    const exception = "Traceback (most recent call last):\n  File x\nValueError: bad value";
    const s = new Script()
      .event({ type: "warning", message: "Could not match supplied host pattern, ignoring: nosuchhost" })
      .play("Nobody", [])
      .event({ type: "no_hosts", play: "Nobody" })
      .play("Warnings", ["h1", "h2"]);
    s.task("Module warns", "warner").changed("h1", warned).changed("h2", warned);
    s.task("Module warns again", "warner").changed("h2", warned).changed("h1", warned);
    s.task("Module exception", "warner")
      .failed("h1", { changed: false, msg: "boom", exception }, { ignored: true })
      .failed("h2", { changed: false, msg: "boom", exception }, { ignored: true });
    s.task("Delegated", "debug")
      .ok("h1", { changed: false, msg: "hi" }, { delegatedTo: "h2" })
      .ok("h2", { changed: false, msg: "hi" }, { delegatedTo: "h2" });
    s.task("Module fails", "warner")
      .failed("h2", { changed: false, msg: "failed on purpose", rc: 3 })
      .failed("h1", { changed: false, msg: "failed on purpose", rc: 3 });
    s.recap({
      h1: { ok: 4, changed: 2, failed: 1, ignored: 1 },
      h2: { ok: 4, changed: 2, failed: 1, ignored: 1 },
    });
    const { out, err } = render(s);
    expect(out).toBe(fixture("warn.stdout.txt"));
    expect(err).toBe(fixture("warn.stderr.txt"));
  });

  it("unreachable hosts", () => {
    const msg =
      "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused";
    const s = new Script().play("Unreachable", ["h9"]);
    s.task("Ping", "ping").result("h9", "unreachable", { changed: false, msg, unreachable: true });
    s.recap({ h9: { unreachable: 1 } });
    expect(render(s).out).toBe(fixture("unreach.stdout.txt"));
  });

  it("a failed command", () => {
    const s = new Script().play("All fail", ["h1"]);
    s.task("Boom", "command").failed("h1", {
      ansible_facts: { discovered_interpreter_python: "/usr/bin/python3" },
      changed: true,
      cmd: ["/bin/false"],
      delta: "0:00:00.012592",
      end: "2026-11-22 02:15:21.780045",
      msg: "non-zero return code",
      rc: 1,
      start: "2026-11-22 02:15:21.767453",
      stderr: "",
      stderr_lines: [],
      stdout: "",
      stdout_lines: [],
      invocation: { module_args: { _raw_params: "/bin/false" } },
    });
    s.recap({ h1: { failed: 1 } });
    expect(render(s).out).toBe(fixture("fatal.stdout.txt"));
  });

  it("-vvv: task paths, indented dumps", () => {
    const s = new Script().start("/tmp/ansfix/vvv.yml");
    s.event({ type: "verbose", level: 2, message: "1 plays in vvv.yml" }).play("Very verbose", ["h1"]);
    s.task("Set a fact", "set_fact", "/tmp/ansfix/vvv.yml:5").ok("h1", {
      changed: false,
      ansible_facts: { x: 1 },
    });
    s.task("Fail but ignore", "fail", "/tmp/ansfix/vvv.yml:8").failed(
      "h1",
      { changed: false, msg: "broke" },
      { ignored: true },
    );
    s.task("Skip", "debug", "/tmp/ansfix/vvv.yml:12").skipped("h1");
    s.recap({ h1: { ok: 2, skipped: 1, ignored: 1 } });
    const expected = fixture("vvv.stdout.txt").replace(/^[^]*?(?=\nPLAYBOOK: )/, "");
    expect(render(s, { verbosity: 3 }).out).toBe(expected);
  });
});
