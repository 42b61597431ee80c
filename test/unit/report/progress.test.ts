import { afterEach, describe, expect, it } from "vitest";
import { ProgressReporter } from "../../../src/report/progress.js";
import { clearSecrets, registerSecret } from "../../../src/vault/censor.js";
import { Capture, Script } from "./helpers.js";

afterEach(clearSecrets);

function twoPlays(): Script {
  const s = new Script().start("site.yml");
  s.event({ type: "warning", message: "early warning" }).play("First", ["h1", "h2"]);
  s.task("Install", "apt").changed("h1").ok("h2");
  s.task("Check", "command")
    .failed("h1", { changed: false, msg: "it broke with hunter2" })
    .failed("h2", { changed: false, msg: "ignored one" }, { ignored: true });
  s.play("Second", ["h2"]);
  s.task("Say", "debug").ok("h2", { msg: "hi" });
  return s.recap({ h1: { ok: 1, changed: 1, failed: 1 }, h2: { ok: 3, ignored: 1 } }).end(2);
}

const render = async (script: Script) => {
  const out = new Capture();
  const err = new Capture();
  const reporter = new ProgressReporter({
    out,
    err,
    color: false,
    verbosity: 0,
    diff: false,
    renderer: "simple",
  });
  await script.feed(reporter);
  return out.text + err.text;
};

/** Asserts that the snippets occur in this order. */
function expectInOrder(text: string, snippets: string[]): void {
  let from = 0;
  for (const snippet of snippets) {
    const at = text.indexOf(snippet, from);
    expect(at, `"${snippet}" after offset ${from} in:\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + snippet.length;
  }
}

describe("progress reporter", () => {
  it("shows each play's hosts with their outcome, then Ansible's lines for changes and failures, then the recap", async () => {
    const text = await render(twoPlays());
    expectInOrder(text, [
      "[WARNING]: early warning",
      "PLAY [First] ***",
      "✖ h1  ok=1 changed=1 failed=1 skipped=0",
      "TASK [Check]: it broke",
      "✔ h2  ok=2 changed=0 failed=0 skipped=0",
      "TASK [Install] ***",
      "changed: [h1]",
      'fatal: [h1]: FAILED! => {"changed": false, "msg": "it broke with',
      "...ignoring",
      "PLAY [Second] ***",
      "✔ h2  ok=1 changed=0 failed=0 skipped=0",
      "PLAY RECAP ***",
      "h1                         : ok=1    changed=1    unreachable=0    failed=1",
      "h2                         : ok=3    changed=0",
    ]);
    // Unchanged results are left to the progress lines.
    expect(text).not.toContain("ok: [h2]");
  });

  it("censors secrets in the progress lines as in the log", async () => {
    registerSecret("hunter2");
    const text = await render(twoPlays());
    expect(text).not.toContain("hunter2");
    expect(text).toContain("it broke with ********");
  });

  it("finishes when closed mid-play, as after an interrupted run", async () => {
    const s = new Script().play("Cut short", ["h1"]);
    s.task("Slow", "command");
    const text = await render(s);
    expect(text).toContain("h1  ok=0");
  });
});
