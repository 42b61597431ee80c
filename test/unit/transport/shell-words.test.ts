import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportLines, shellPath, shellQuote } from "../../../src/transport/shell-words.js";

describe("shellQuote", () => {
  it("leaves safe words alone and quotes the rest", () => {
    expect(shellQuote("/etc/ssh/sshd_config")).toBe("/etc/ssh/sshd_config");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("reads back as the same string in /bin/sh, whatever it holds", () => {
    const strings = fc
      .sample(fc.string({ unit: "binary", maxLength: 40 }), 200)
      .map((s) => s.replace(/\0/g, ""));
    strings.push("$(id)", "`id`", "a\nb", "'", "\\", "*", "~", "!x", "-n");
    const script = strings.map((s) => `printf '%s\\0' ${shellQuote(s)}`).join("\n");
    const out = execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(strings);
  });
});

describe("exportLines", () => {
  it("exports each variable and refuses names the shell cannot take", () => {
    expect(exportLines({ A: "1", B_2: "x y" })).toBe("export A=1\nexport B_2='x y'\n");
    expect(() => exportLines({ "A-B": "1" })).toThrow(/invalid environment variable name "A-B"/);
    expect(() => exportLines({ "1A": "1" })).toThrow(/invalid environment variable name/);
  });
});

describe("shellPath", () => {
  it("lets the shell expand a leading ~ or ~user and quotes the rest", () => {
    expect(shellPath("~")).toBe("~");
    expect(shellPath("~/")).toBe("~/");
    expect(shellPath("~/a b/c")).toBe("~/'a b/c'");
    expect(shellPath("~root/x")).toBe("~root/x");
    expect(shellPath("/tmp/~x")).toBe("'/tmp/~x'");
    expect(shellPath("~$(id)/x")).toBe("'~$(id)/x'");
    const home = execFileSync("/bin/sh", ["-c", `printf %s ${shellPath("~/a b")}`], {
      encoding: "utf8",
      env: { ...process.env, HOME: "/home/h" },
    });
    expect(home).toBe("/home/h/a b");
  });
});
