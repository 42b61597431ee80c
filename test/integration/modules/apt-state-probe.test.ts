/**
 * The apt module's Python read prints exactly the facts of its shell script (cache time, due, dpkg-query's lines,
 * apt-mark's auto marks, aptitude) wherever it answers, and hands over to the shell (`fallback 1`) where its
 * reading could differ: a missing or half-installed name, a foreign architecture, a pending dpkg journal, a cache
 * update to run. As root and as the login user (whose reads are the same files).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aptStateProgram, type AptStateQuery } from "../../../src/modules/util/apt-state-python.js";
import { aptStateScript } from "../../../src/modules/util/apt-state.js";
import { parseFacts } from "../../../src/modules/util/service-state.js";
import type { Become } from "../../../src/transport/types.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { connect, ROOT, sh } from "./helpers.js";

const HOST = "mysql-1";
const ARGS = {
  cache_valid_time: 0,
  update_cache_retries: 1,
  update_cache_retry_max_delay: 1,
  lock_timeout: 60,
};
const DAY = 86_400;
let conn: SshConnection;
let autoPkg: string;

async function python(q: AptStateQuery, become?: Become) {
  const r = await conn.python(aptStateProgram(q), { become });
  expect(r, "a helper runs on the lab hosts").toBeDefined();
  expect(r!.stderr).toBe("");
  expect(r!.rc).toBe(0);
  return parseFacts(r!.stdout);
}

async function shell(q: AptStateQuery, become?: Become) {
  const script = aptStateScript(
    { ...ARGS, cache_valid_time: q.cacheValidTime },
    q.names,
    q.wantUpdate,
    true,
    true,
  );
  const r = await conn.exec(`${script.join("\n")}\nexit 0`, { become });
  expect(r.rc).toBe(0);
  return parseFacts(r.stdout);
}

const q = (names: string[], wantUpdate = false, cacheValidTime = 0): AptStateQuery => ({
  names,
  wantUpdate,
  cacheValidTime,
  check: true,
});

beforeAll(async () => {
  conn = await connect(HOST);
  // A dependency apt installed on its own (the image's duplicity pulls in several).
  autoPkg = (await sh(HOST, "apt-mark showauto | grep -v : | head -n1")).trim();
});
afterAll(async () => {
  await sh(HOST, "dpkg --remove-architecture i386 2>/dev/null; rm -f /var/lib/dpkg/updates/0099; true");
  await conn.close();
});

describe("apt state under Python", () => {
  for (const become of [undefined, ROOT]) {
    it(`prints the shell script's facts where it answers (${become ? "as root" : "as the login user"})`, async () => {
      expect(autoPkg).toMatch(/^[a-z0-9]/);
      const queries = [
        q(["rsync"]),
        q(["rsync", "duplicity"]),
        q(["rsync", "rsync"]),
        q(["dpkg", autoPkg]),
        q([autoPkg], true, 100 * 365 * DAY),
        q(["rsync"], true, 0),
        q([], true, 0),
        q([], true, 100 * 365 * DAY),
        q([]),
      ];
      for (const query of queries) {
        const [a, b] = [await python(query, become), await shell(query, become)];
        expect(a.has("fallback"), JSON.stringify(query)).toBe(false);
        expect(Object.fromEntries(a), JSON.stringify(query)).toEqual(Object.fromEntries(b));
      }
      expect((await python(q([autoPkg]), become)).get("auto")).toBe(
        Buffer.from(`${autoPkg}\n`).toString("base64"),
      );
    });
  }

  it("hands over to the shell where dpkg-query, apt-cache or apt-get must run", async () => {
    const falls = async (query: AptStateQuery) => (await python(query, ROOT)).has("fallback");
    expect(await falls(q(["no-such-package"]))).toBe(true);
    expect(await falls(q(["rsync", "no-such-package"]))).toBe(true);
    expect(await falls({ ...q(["rsync"], true, 0), check: false })).toBe(true);
    expect(await falls({ ...q([], true, 0), check: false })).toBe(true);
    expect(await falls({ ...q(["rsync"], true, 100 * 365 * DAY), check: false })).toBe(false);

    await sh(HOST, "dpkg --add-architecture i386");
    expect(await falls(q(["rsync"]))).toBe(true);
    await sh(HOST, "dpkg --remove-architecture i386");
    expect(await falls(q(["rsync"]))).toBe(false);

    await sh(HOST, "touch /var/lib/dpkg/updates/0099");
    expect(await falls(q(["rsync"]))).toBe(true);
    await sh(HOST, "rm -f /var/lib/dpkg/updates/0099");
    expect(await falls(q(["rsync"]))).toBe(false);
  });
});
