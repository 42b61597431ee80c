import { describe, expect, it } from "vitest";
import {
  errorFromWire,
  errorToWire,
  Frame,
  frame,
  FrameReader,
  LineSplitter,
} from "../../../src/transport/control-wire.js";
import {
  BecomeError,
  CommandTimeoutError,
  HostKeyError,
  UnreachableError,
} from "../../../src/transport/errors.js";
import { ExitCode, InfraError } from "../../../src/util/errors.js";

/** Through JSON, as over the socket. */
const across = (e: unknown) => errorFromWire(JSON.parse(JSON.stringify(errorToWire(e))));

describe("control master wire", () => {
  it("raises the same error class with the same words on the run's side", () => {
    const hk = across(new HostKeyError("h", "host key changed", "Remove the old key."));
    expect(hk).toBeInstanceOf(HostKeyError);
    expect(hk).toBeInstanceOf(UnreachableError);
    expect(hk).toMatchObject({ host: "h", reason: "host key changed", hint: "Remove the old key." });
    expect(hk.message).toBe("h: UNREACHABLE: host key changed");

    const un = across(new UnreachableError("h", "connection refused", { hint: "Is sshd running?" }));
    expect(un).toBeInstanceOf(UnreachableError);
    expect(un).not.toBeInstanceOf(HostKeyError);
    expect(un).toMatchObject({ exitCode: ExitCode.unreachable, hint: "Is sshd running?" });

    const to = across(new CommandTimeoutError("h", 1500));
    expect(to).toBeInstanceOf(CommandTimeoutError);
    expect(to.message).toBe("h: the command timed out after 1.5 s and was killed");

    expect(across(new BecomeError("h: sudo: a password is required", "Give one."))).toMatchObject({
      name: "BecomeError",
      hint: "Give one.",
    });
    const infra = across(new InfraError("h: could not write /x: denied", { exitCode: 2 }));
    expect(infra).toBeInstanceOf(InfraError);
    expect(infra).toMatchObject({ message: "h: could not write /x: denied", exitCode: 2 });
    expect(across(new TypeError("bad"))).not.toBeInstanceOf(InfraError);
    expect(across("text").message).toBe("text");
  });

  it("splits lines across chunks and hands back the bytes after them", () => {
    const lines: string[] = [];
    let rest: Buffer | undefined;
    const s = new LineSplitter((l) => {
      lines.push(l);
      if (l === "stream") rest = s.rest();
    });
    s.push(Buffer.from('{"a":'));
    s.push(Buffer.from('1}\n{"b":2}\nstr'));
    s.push(Buffer.from("eam\nraw\nbytes"));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', "stream"]);
    expect(rest?.toString()).toBe("raw\nbytes");
  });

  it("reassembles frames cut anywhere, empty ones included", () => {
    const got: [number, string][] = [];
    const r = new FrameReader((k, p) => got.push([k, p.toString()]));
    const bytes = Buffer.concat([
      frame(Frame.stdout, Buffer.from("out")),
      frame(Frame.stderr, Buffer.from("")),
      frame(Frame.exit, Buffer.from('{"exit":{"rc":0}}')),
    ]);
    for (let i = 0; i < bytes.length; i += 3) r.push(bytes.subarray(i, i + 3));
    expect(got).toEqual([
      [Frame.stdout, "out"],
      [Frame.stderr, ""],
      [Frame.exit, '{"exit":{"rc":0}}'],
    ]);
  });
});
