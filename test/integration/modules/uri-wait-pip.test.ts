/**
 * uri and wait_for run ON the target host (influx-1, whose InfluxDB listens on 127.0.0.1:8086 there), compared with
 * Debian's ansible on the same calls; pip on a lab image that has neither pip nor python3-venv, where both tools
 * must fail with the same message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansibleBatch } from "./ansible-batch.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "influx-1";
let conn: SshConnection;
const B = { become: true };

beforeAll(async () => {
  conn = await connect(HOST);
});
afterAll(async () => {
  await sh(HOST, "rm -rf /tmp/infra-uri-* /tmp/infra-pip-*");
  await conn.close();
});

const PICK = [
  "mode",
  "owner",
  "size",
  "changed",
  "failed",
  "status",
  "msg",
  "json",
  "content",
  "redirected",
  "url",
  "content_type",
  "state",
  "port",
  "path",
  "match_groups",
  "match_groupdict",
  "cmd",
];
const pick = (r: Record<string, unknown>) =>
  Object.fromEntries(PICK.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));

describe("uri and wait_for from the host", () => {
  it("give the results ansible gives", { timeout: 600_000 }, async () => {
    await sh(HOST, "printf 'ready: port=8086\\n' > /tmp/infra-uri-flag");
    const cases: [string, Record<string, unknown>][] = [
      ["uri", { url: "http://127.0.0.1:8086/ping", status_code: 204 }],
      ["uri", { url: "http://127.0.0.1:8086/query?q=SHOW%20DATABASES", return_content: true }],
      [
        "uri",
        {
          url: "http://127.0.0.1:8086/query",
          method: "POST",
          body: "q=SHOW DATABASES",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        },
      ],
      [
        "uri",
        {
          url: "http://127.0.0.1:8086/query",
          method: "POST",
          body_format: "form-urlencoded",
          body: { q: "SHOW USERS" },
        },
      ],
      ["uri", { url: "http://127.0.0.1:8086/nowhere" }],
      ["uri", { url: "http://127.0.0.1:1/", timeout: 3 }],
      ["uri", { url: "http://127.0.0.1:8086/ping", method: "get" }],
      ["wait_for", { port: 8086, timeout: 10 }],
      ["wait_for", { port: 1, state: "stopped", timeout: 5 }],
      ["wait_for", { path: "/tmp/infra-uri-flag", search_regex: "ready: port=(?P<port>\\d+)", timeout: 5 }],
      ["wait_for", { path: "/tmp/infra-uri-none", timeout: 2 }],
      ["wait_for", { path: "/tmp/infra-uri-none", state: "absent", timeout: 2 }],
      ["wait_for", { port: 1, path: "/tmp/x" }],
    ];
    const theirs = await ansibleBatch(
      HOST,
      cases.map(([module, args]) => ({ module, args })),
    );
    for (const [i, [module, args]] of cases.entries()) {
      const ours = await run(module, args, conn, B);
      expect(pick(ours), `${module} ${JSON.stringify(args)}`).toEqual(pick(theirs[i]!));
    }
  });

  it("are skipped in check mode, as Ansible's (neither declares check mode)", async () => {
    expect(
      await run("uri", { url: "http://127.0.0.1:8086/ping" }, conn, { ...B, check: true }),
    ).toMatchObject({ skipped: true });
    expect(await run("wait_for", { port: 8086 }, conn, { ...B, check: true })).toMatchObject({
      skipped: true,
    });
  });

  it("reject bad arguments with Ansible's words", async () => {
    expect((await run("uri", { url: "http://x", body_format: "xml" }, conn, B)).msg).toBe(
      "value of body_format must be one of: form-urlencoded, json, raw, form-multipart, got: xml",
    );
    expect((await run("wait_for", { port: "http" }, conn, B)).msg).toContain(
      "argument 'port' is of type <class 'str'> and we were unable to convert to int",
    );
  });
});

describe("pip on the lab image (no pip, no python3-venv)", () => {
  it("fails as ansible does, for the system pip and for a venv", { timeout: 600_000 }, async () => {
    const cases: Record<string, unknown>[] = [
      { name: "six" },
      { name: "six", virtualenv: "/tmp/infra-pip-venv", virtualenv_command: "python3 -m venv" },
      { name: "six", version: "1.0", state: "latest" },
    ];
    const theirs = await ansibleBatch(
      HOST,
      cases.map((args) => ({ module: "pip", args })),
    );
    for (const [i, args] of cases.entries()) {
      const ours = await run("pip", args, conn, B);
      expect(pick(ours), JSON.stringify(args)).toEqual(pick(theirs[i]!));
    }
  });
});
