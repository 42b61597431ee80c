/**
 * A stream whose link dies before anyone listens for errors (an operation helper still being started when the run
 * closes its connections) must close quietly, not crash the process with an unhandled 'error' event.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { openStream, type ProcessExit, type RawProcess } from "../../../src/transport/process-io.js";

function process(): { proc: RawProcess; die: (e: Error) => void } {
  let die!: (e: Error) => void;
  const done = new Promise<ProcessExit>((_, reject) => (die = reject));
  const proc: RawProcess = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    done,
    kill: () => {},
  };
  return { proc, die };
}

describe("exec streams when the link dies", () => {
  it("close without an error event when nobody listens, and exit still rejects", async () => {
    const { proc, die } = process();
    const stream = await openStream(proc, undefined);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    globalThis.process.on("uncaughtException", onUncaught);
    const closed = new Promise((r) => stream.once("close", r));
    die(new Error("connection closed"));
    await closed;
    await new Promise((r) => setTimeout(r, 10));
    globalThis.process.off("uncaughtException", onUncaught);
    expect(uncaught).toEqual([]);
    await expect(stream.exit).rejects.toThrow("connection closed");
  });

  it("give the reason to a listener that is there", async () => {
    const { proc, die } = process();
    const stream = await openStream(proc, undefined);
    const error = new Promise<Error>((r) => stream.once("error", r));
    die(new Error("connection reset"));
    expect((await error).message).toBe("connection reset");
  });
});
