import { describe, expect, it } from "vitest";
import { AnsibleDefaultReporter } from "../../../src/report/ansible-default.js";
import { colorEnabled } from "../../../src/report/colors.js";
import { Display } from "../../../src/report/display.js";
import { Capture, fixture, Script } from "./helpers.js";

describe("colours, against ANSIBLE_FORCE_COLOR=1 ansible-playbook --diff color.yml", () => {
  it("colours each line as Ansible does, recap included", () => {
    const warned = {
      changed: true,
      warnings: [
        "this is a warning from the module that is long enough to be wrapped by textwrap at seventy-nine columns, surely",
      ],
      deprecations: [{ msg: "old option is old", version: "2.99", collection_name: "ansible.builtin" }],
    };
    const s = new Script().play("Colours", ["h1", "h2"]);
    s.task("Say hello", "debug").ok("h2", { msg: "hello" }).ok("h1", { msg: "hello" });
    s.task("Change", "command").skipped("h2").changed("h1");
    s.task("Warn", "warner").skipped("h1").changed("h2", warned);
    s.task("Fail but ignore", "fail")
      .failed("h1", { changed: false, msg: "broke" }, { ignored: true })
      .failed("h2", { changed: false, msg: "broke" }, { ignored: true });
    s.task("Diff", "copy")
      .skipped("h2")
      .changed(
        "h1",
        { changed: true },
        {
          diff: [
            {
              before: "",
              after: "new\n",
              after_header: "/root/.ansible/tmp/ansible-local-25990wmmxj6b9/tmpigkkwlhw",
            },
          ],
        },
      );
    s.task("Fail one", "fail").skipped("h1").failed("h2", { changed: false, msg: "broke" });
    s.recap({
      h1: { ok: 4, changed: 2, skipped: 2, ignored: 1 },
      h2: { ok: 3, changed: 1, failed: 1, skipped: 2, ignored: 1 },
    });
    const out = new Capture();
    const err = new Capture();
    const reporter = new AnsibleDefaultReporter({ out, err, color: true, verbosity: 0, diff: true });
    for (const event of s.events) reporter.emit(event);
    expect(out.text).toBe(fixture("color.stdout.txt"));
    expect(err.text).toBe(fixture("color.stderr.txt"));
  });
});

describe("colorEnabled", () => {
  it("follows Ansible: off unless a terminal, NOCOLOR/NO_COLOR win over a terminal, FORCE_COLOR wins over all", () => {
    expect(colorEnabled(true, {})).toBe(true);
    expect(colorEnabled(false, {})).toBe(false);
    expect(colorEnabled(true, { ANSIBLE_NOCOLOR: "1" })).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(true, { TERM: "dumb" })).toBe(false);
    expect(colorEnabled(false, { ANSIBLE_FORCE_COLOR: "yes" })).toBe(true);
    expect(colorEnabled(true, { ANSIBLE_NOCOLOR: "true", ANSIBLE_FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled(true, { ANSIBLE_NOCOLOR: "0" })).toBe(true);
  });
});

describe("banners", () => {
  const banner = (title: string, columns?: number) => {
    const out = new Capture();
    new Display({ out, err: out, color: false, verbosity: 0, columns }).banner(title);
    return out.text;
  };

  it("fill to 80 columns off a terminal and to the terminal's width less one on it", () => {
    expect(banner("PLAY [x]")).toBe(`\nPLAY [x] ${"*".repeat(71)}\n`);
    expect(banner("PLAY [x]", 120)).toBe(`\nPLAY [x] ${"*".repeat(111)}\n`);
    // Narrow terminals still get Ansible's minimum of 79.
    expect(banner("PLAY [x]", 40)).toBe(`\nPLAY [x] ${"*".repeat(71)}\n`);
  });

  it("count wide characters as two columns and keep at least three stars", () => {
    expect(banner("TASK [日本]")).toBe(`\nTASK [日本] ${"*".repeat(79 - 11)}\n`);
    expect(banner(`TASK [${"x".repeat(100)}]`)).toBe(`\nTASK [${"x".repeat(100)}] ***\n`);
  });
});
