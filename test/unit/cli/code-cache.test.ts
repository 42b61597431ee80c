/**
 * bin/infra.js keeps V8's compiled code of the bundle in a cache file (INFRA_CODE_CACHE names it here): written
 * when missing, rejected by V8 or written by a poorer run, and otherwise left alone. A rewrite is a rename, so a
 * new inode; an untouched cache keeps its inode. V8 accepting the cache is what leaves it untouched.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run } from "../../../src/util/exec.js";

const infra = (cache: string, ...args: string[]) =>
  run(process.execPath, [resolve("bin/infra.js"), ...args], {
    env: { ...process.env, INFRA_CODE_CACHE: cache },
  });
const inode = (f: string) => statSync(f).ino;

describe("the launcher's code cache", () => {
  it("is written once, kept while V8 accepts it, and replaced by a richer run or when it is damaged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-cache-"));
    const cache = join(dir, "infra.cjs.cache");
    const version = JSON.parse(readFileSync("package.json", "utf8")).version as string;
    const hosts = join(dir, "hosts");
    writeFileSync(hosts, "[db_servers]\nmysql-1\n[influxdb]\ninflux-1\n[backup]\nbackup\n");
    const list = () => infra(cache, "apply", "-i", hosts, "playbooks/infra.yaml", "--list-tasks");

    const v1 = await infra(cache, "--version");
    expect(v1.stdout.trim()).toBe(version);
    expect(readFileSync(cache)[0]).toBe(1);
    const first = inode(cache);

    const v2 = await infra(cache, "--version");
    expect(v2.stdout.trim()).toBe(version);
    expect(inode(cache), "an accepted cache is not rewritten").toBe(first);

    const listed = await list();
    expect(listed.code, listed.stderr).toBe(0);
    expect(readFileSync(cache)[0], "an apply run replaces a --version cache").toBe(2);
    const rich = inode(cache);
    expect(rich).not.toBe(first);
    await infra(cache, "--version");
    expect(inode(cache), "a poorer run keeps a richer cache").toBe(rich);

    writeFileSync(cache, Buffer.concat([Buffer.of(2), Buffer.alloc(4096, 0x5a)]));
    const damaged = inode(cache);
    const again = await list();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(listed.stdout);
    expect(inode(cache), "V8 rejected the damaged cache and the run wrote a good one").not.toBe(damaged);
    const mended = inode(cache);
    await list();
    expect(inode(cache), "the mended cache is accepted").toBe(mended);
    expect(readdirSync(dir).sort(), "no temporary file is left").toEqual(["hosts", "infra.cjs.cache"]);
  });

  it("INFRA_CODE_CACHE=off runs without one", async () => {
    const v = await infra("off", "--version");
    expect(v.code).toBe(0);
    expect(existsSync(resolve("off"))).toBe(false);
  });
});
