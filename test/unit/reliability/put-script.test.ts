/**
 * The atomic-write script must never rename a transfer that was cut off: stdin ending early (a connection lost
 * mid-put) leaves the old file and no temporary file behind.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { putScript } from "../../../src/transport/scripts.js";
import { run } from "../../../src/util/exec.js";

describe("putScript with the content's size", () => {
  const dir = mkdtempSync(join(tmpdir(), "infra-put-"));
  const dest = join(dir, "managed.conf");

  it("writes the whole content when all of it arrives", async () => {
    writeFileSync(dest, "old\n");
    const r = await run("sh", ["-c", putScript(dest, {}, 12)], { input: "new content\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(dest, "utf8")).toBe("new content\n");
  });

  it("keeps the old file when the content is cut off, and leaves no temporary file", async () => {
    writeFileSync(dest, "old\n");
    const r = await run("sh", ["-c", putScript(dest, {}, 12)], { input: "new co" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cut off/);
    expect(readFileSync(dest, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["managed.conf"]);
  });
});
