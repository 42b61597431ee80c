import { afterEach, describe, expect, it } from "vitest";
import { AnsibleDefaultReporter } from "../../../src/report/ansible-default.js";
import { censorNoLog, NO_LOG_MESSAGE } from "../../../src/report/no-log.js";
import { clearSecrets, registerSecret } from "../../../src/vault/censor.js";
import { Capture, Script } from "./helpers.js";

afterEach(clearSecrets);

describe("default reporter and secrets", () => {
  it("never prints a registered secret: banners, results, diffs, warnings, verbose lines", () => {
    registerSecret("hunter2-secret");
    const s = new Script().start("book.yml").play("Play hunter2-secret", ["h1"]);
    s.event({ type: "warning", message: "password hunter2-secret is weak" });
    s.event({ type: "verbose", level: 1, host: "h1", message: "EXEC echo hunter2-secret" });
    s.task("Set hunter2-secret", "copy").changed(
      "h1",
      { changed: true, content: "x hunter2-secret" },
      {
        diff: [{ before: "", after: "pw=hunter2-secret\n" }],
      },
    );
    s.task("Show", "debug").ok("h1", { msg: "it is hunter2-secret" });
    const out = new Capture();
    const err = new Capture();
    const reporter = new AnsibleDefaultReporter({ out, err, color: true, verbosity: 3, diff: true });
    for (const event of s.events) reporter.emit(event);
    const all = out.text + err.text;
    expect(all).not.toContain("hunter2");
    expect(all.match(/\*{8}/g)?.length).toBeGreaterThanOrEqual(7);
    // The banner is sized after censoring, so it still ends at column 80.
    expect(out.text.split("\n")).toContain(
      `PLAY [Play ********] ${"*".repeat(79 - "PLAY [Play ********]".length)}`,
    );
  });
});

describe("censorNoLog", () => {
  it("keeps only Ansible's notice and the outcome keys", () => {
    expect(
      censorNoLog({ changed: true, stdout: "secret", attempts: 2, failed: true, msg: "secret" }),
    ).toEqual({
      censored: NO_LOG_MESSAGE,
      changed: true,
      attempts: 2,
    });
  });
});
