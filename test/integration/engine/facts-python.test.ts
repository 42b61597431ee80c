/**
 * Facts read by Python inside the operation helper are the facts the shell script reads, fact for fact (the clock
 * and free memory aside), as root and as the login user, on every lab host.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACTS_SCRIPT, parseFacts } from "../../../src/engine/facts.js";
import { factsProgram } from "../../../src/engine/facts-python.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { connect, ROOT } from "../modules/helpers.js";

describe("facts under Python", () => {
  const conns: SshConnection[] = [];
  beforeAll(async () => {
    for (const h of ["mysql-1", "backup"]) conns.push(await connect(h));
  });
  afterAll(async () => {
    for (const c of conns) await c.close();
  });

  for (const become of [undefined, ROOT]) {
    it(`match the shell's (${become ? "as root" : "as the login user"})`, async () => {
      for (const conn of conns) {
        const py = await conn.python(factsProgram(), { become });
        const shell = await conn.exec(FACTS_SCRIPT, { become });
        expect(py, "a helper runs on the lab hosts").toBeDefined();
        expect(py!.stderr).toBe("");
        const [a, b] = [parseFacts(py!.stdout), parseFacts(shell.stdout)];
        const clock = (f: Record<string, unknown>) => f.date_time as { epoch: string; tz: string };
        expect(Math.abs(Number(clock(a).epoch) - Number(clock(b).epoch))).toBeLessThanOrEqual(2);
        expect(clock(a).tz).toBe(clock(b).tz);
        // Free memory moves between the two reads.
        expect(Math.abs(Number(a.memfree_mb) - Number(b.memfree_mb))).toBeLessThan(256);
        for (const f of [a, b]) {
          delete f.date_time;
          delete f.memfree_mb;
        }
        expect(a, conn.host).toEqual(b);
        expect(a.default_ipv4, "the lab hosts have a default route").toMatchObject({ gateway: /\d/ });
      }
    });
  }
});
