import { describe, expect, it } from "vitest";
import {
  AnsibleDefaultReporter,
  createReporter,
  JsonLinesReporter,
  ProgressReporter,
} from "../../../src/report/index.js";
import { Capture, Script } from "./helpers.js";

const play = () => {
  const s = new Script().play("P", ["h1"]);
  return s.task("T", "command").changed("h1");
};

describe("createReporter", () => {
  it("picks the reporter for the format, and plain output for progress off a terminal", () => {
    const out = new Capture();
    expect(createReporter({ format: "default", verbosity: 0, diff: false, out, env: {} })).toBeInstanceOf(
      AnsibleDefaultReporter,
    );
    expect(createReporter({ format: "json", verbosity: 0, diff: false, out, env: {} })).toBeInstanceOf(
      JsonLinesReporter,
    );
    expect(createReporter({ format: "progress", verbosity: 0, diff: false, out, env: {} })).toBeInstanceOf(
      AnsibleDefaultReporter,
    );
    // A terminal that reports no width (a bare pty) cannot hold listr2's redraws: plain lines there.
    expect(
      createReporter({ format: "progress", verbosity: 0, diff: false, out, isTTY: true, env: {} }),
    ).toBeInstanceOf(AnsibleDefaultReporter);
    out.columns = 100;
    expect(
      createReporter({ format: "progress", verbosity: 0, diff: false, out, isTTY: true, env: {} }),
    ).toBeInstanceOf(ProgressReporter);
  });

  it("colours and widens banners only on a terminal, unless the environment says otherwise", async () => {
    const render = async (isTTY: boolean, env: NodeJS.ProcessEnv) => {
      const out = new Capture();
      out.columns = 100;
      await play().feed(
        createReporter({ format: "default", verbosity: 0, diff: false, out, err: new Capture(), isTTY, env }),
      );
      return out.text;
    };
    expect(await render(false, {})).toBe(
      `\nPLAY [P] ${"*".repeat(71)}\n\nTASK [T] ${"*".repeat(71)}\nchanged: [h1]\n`,
    );
    const tty = await render(true, {});
    expect(tty).toContain(`PLAY [P] ${"*".repeat(91)}\n`);
    expect(tty).toContain("\x1b[0;33mchanged: [h1]\x1b[0m\n");
    expect(await render(true, { NO_COLOR: "1" })).not.toContain("\x1b[");
    expect(await render(false, { ANSIBLE_FORCE_COLOR: "1" })).toContain("\x1b[0;33mchanged: [h1]\x1b[0m\n");
  });
});
