import { describe, expect, it } from "vitest";
import { getModule, moduleNames } from "../../../src/modules/registry.js";
import { runModule } from "../../../src/modules/run.js";
import type { Connection } from "../../../src/transport/types.js";
import type { ModuleContext } from "../../../src/modules/types.js";
import { Templar } from "../../../src/template/templar.js";

/** Controller-only modules never touch the connection: this one throws if they do. */
const noConn = new Proxy(
  {},
  {
    get: () => {
      throw new Error("controller-only module used the connection");
    },
  },
) as Connection;

function ctx(vars: Record<string, unknown> = {}, o: Partial<ModuleContext> = {}): ModuleContext {
  const templar = new Templar({ vars, decryptVault: () => "" });
  return {
    host: "h",
    conn: noConn,
    check: false,
    diff: false,
    templar,
    vars,
    findFile: () => {
      throw new Error("no files");
    },
    environment: {},
    warn: () => {},
    ...o,
  };
}

const runAs = (name: string, args: Record<string, unknown>, c = ctx()) =>
  runModule(getModule(name)!, args, c, name);

describe("registry", () => {
  it("answers to short names and FQCNs", () => {
    expect(getModule("ansible.builtin.copy")).toBe(getModule("copy"));
    expect(getModule("ansible.legacy.shell")?.name).toBe("shell");
    expect(getModule("nope")).toBeUndefined();
    for (const n of [
      "assert",
      "command",
      "copy",
      "debug",
      "fail",
      "file",
      "pause",
      "raw",
      "set_fact",
      "shell",
      "stat",
      "template",
    ])
      expect(moduleNames()).toContain(n);
  });
});

describe("debug", () => {
  it("shows msg, a variable as {name: value}, and undefined variables as Ansible", async () => {
    expect(await runAs("debug", { msg: "hi" })).toMatchObject({ msg: "hi", changed: false, failed: false });
    expect(await runAs("debug", {})).toMatchObject({ msg: "Hello world!" });
    const c = ctx({ x: [1, 2], n: 5, d: { a: "{{ n }}" } });
    expect((await runAs("debug", { var: "x" }, c)).x).toEqual([1, 2]);
    expect((await runAs("debug", { var: "d.a" }, c))["d.a"]).toBe("5");
    expect((await runAs("debug", { var: "x | length" }, c))["x | length"]).toBe("2");
    expect((await runAs("debug", { var: "missing" }, c)).missing).toBe("VARIABLE IS NOT DEFINED!");
    const verbose = await runAs("debug", { var: "missing" }, ctx({}, { verbosity: 1 }));
    expect(verbose.missing).toBe("VARIABLE IS NOT DEFINED!: 'missing' is undefined");
  });

  it("honours verbosity and refuses msg with var or unknown options", async () => {
    expect(await runAs("debug", { msg: "x", verbosity: 2 })).toMatchObject({
      skipped: true,
      skipped_reason: "Verbosity threshold not met.",
    });
    expect((await runAs("debug", { msg: "x", var: "y" })).msg).toBe(
      "'msg' and 'var' are incompatible options",
    );
    expect((await runAs("ansible.builtin.debug", { mgs: "x" })).msg).toBe(
      "Invalid options for ansible.builtin.debug: mgs",
    );
  });
});

describe("set_fact", () => {
  it("returns facts, converts boolean words, checks names", async () => {
    expect(await runAs("set_fact", { a: 1, b: "yes", c: "True", d: "maybe", cacheable: "yes" })).toEqual({
      changed: false,
      ansible_facts: { a: 1, b: true, c: true, d: "maybe" },
      _ansible_facts_cacheable: true,
    });
    expect((await runAs("set_fact", { "1x": 1 })).msg).toMatch(/^The variable name '1x' is not valid\./);
    expect((await runAs("set_fact", {})).msg).toBe(
      "No key/value pairs provided, at least one is required for this action to succeed",
    );
  });
});

describe("assert and fail", () => {
  it("passes, or fails naming the first false assertion", async () => {
    const c = ctx({ n: 3, s: "abc" });
    expect(await runAs("assert", { that: ["n > 2", "s is match('a')"] }, c)).toMatchObject({
      changed: false,
      msg: "All assertions passed",
    });
    expect(await runAs("assert", { that: ["n > 2", "n > 5"], fail_msg: "too small" }, c)).toMatchObject({
      failed: true,
      assertion: "n > 5",
      evaluated_to: false,
      msg: "too small",
    });
    expect(await runAs("assert", { that: "n == 4", msg: ["a", "b"], quiet: true }, c)).toEqual({
      changed: false,
      failed: true,
      assertion: "n == 4",
      evaluated_to: false,
      msg: ["a", "b"],
    });
    expect((await runAs("assert", { fail_msg: "x" })).msg).toBe('conditional required in "that" string');
    expect((await runAs("assert", { that: "undefined_thing" }, c)).failed).toBe(true);
  });

  it("fail uses its msg or Ansible's default", async () => {
    expect(await runAs("fail", {})).toEqual({
      changed: false,
      failed: true,
      msg: "Failed as requested from task",
    });
    expect((await runAs("fail", { msg: "stop" })).msg).toBe("stop");
  });
});

describe("pause", () => {
  it("waits the given seconds and reports like Ansible", async () => {
    const r = await runAs("pause", { seconds: 0 });
    expect(r).toMatchObject({
      changed: false,
      rc: 0,
      stdout: "Paused for 0.0 seconds",
      delta: 0,
      echo: true,
    });
    expect((await runAs("pause", { seconds: 1, minutes: 1 })).msg).toBe(
      "parameters are mutually exclusive: minutes|seconds",
    );
    expect((await runAs("pause", { prompt: "go?" })).failed).toBe(true);
  });
});
