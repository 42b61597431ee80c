import { describe, expect, it } from "vitest";
import { AnsibleDefaultReporter } from "../../../src/report/ansible-default.js";
import { basicScript, commandResult } from "./basic-script.js";
import { Capture, fixture, withoutCliPreamble } from "./helpers.js";

function render(verbosity: number, script: ReturnType<typeof basicScript>, color = false) {
  const out = new Capture();
  const err = new Capture();
  const reporter = new AnsibleDefaultReporter({ out, err, color, verbosity, diff: false });
  for (const event of script.events) reporter.emit(event);
  return { out: out.text, err: err.text };
}

describe("default reporter against ansible-playbook basic.yml", () => {
  it("renders a plain run like Ansible", () => {
    const script = basicScript({
      multiLineOrder: ["h2", "h1"],
      command: [
        ["h1", commandResult("", "", "")],
        ["h2", commandResult("", "", "")],
      ],
      failOnOneOrder: ["h1", "h2"],
    });
    const { out, err } = render(0, script);
    expect(out).toBe(fixture("basic.stdout.txt"));
    expect(err).toBe("");
  });

  it("renders -v like Ansible: results dumped on one line, invocation hidden", () => {
    const script = basicScript({
      multiLineOrder: ["h1", "h2"],
      command: [
        ["h2", commandResult("2026-11-22 02:14:17.472929", "2026-11-22 02:14:17.485299", "0:00:00.012370")],
        ["h1", commandResult("2026-11-22 02:14:17.758124", "2026-11-22 02:14:17.764559", "0:00:00.006435")],
      ],
      failOnOneOrder: ["h2", "h1"],
    });
    expect(render(1, script).out).toBe(withoutCliPreamble(fixture("basic-v.stdout.txt")));
  });

  it("renders -vv like Ansible: playbook banner, task paths, notified handlers", () => {
    const script = basicScript({
      multiLineOrder: ["h1", "h2"],
      command: [
        ["h2", commandResult("2026-11-22 02:14:23.887438", "2026-11-22 02:14:23.892920", "0:00:00.005482")],
        ["h1", commandResult("2026-11-22 02:14:24.468128", "2026-11-22 02:14:24.490157", "0:00:00.022029")],
      ],
      failOnOneOrder: ["h1", "h2"],
      notify: true,
    });
    // "1 plays in basic.yml" is the engine's -vv message, sent right after the playbook banner.
    script.events.splice(1, 0, { type: "verbose", level: 2, message: "1 plays in basic.yml" });
    // Everything before the PLAYBOOK banner is ansible-playbook's CLI (version, config, callbacks skipped).
    const expected = fixture("basic-vv.stdout.txt").replace(/^[^]*?(?=\nPLAYBOOK: )/, "");
    expect(render(2, script).out).toBe(expected);
  });
});
