/**
 * bin/infra, the shell front of bin/infra.js: Node must not load NODE_EXTRA_CA_CERTS at start-up (it costs ~80 ms
 * of every run), yet the programs infra starts see the variable as the user set it. A file Node cannot read makes
 * Node warn at start-up, which is how these tests see whether Node loaded it.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run } from "../../../src/util/exec.js";

const MISSING = "/nonexistent/infra-test-ca.pem";
const env = { ...process.env, NODE_EXTRA_CA_CERTS: MISSING, INFRA_CODE_CACHE: "off" };

describe("bin/infra", () => {
  it("keeps Node from loading NODE_EXTRA_CA_CERTS at start-up (node bin/infra.js does load it)", async () => {
    const viaShell = await run(resolve("bin/infra"), ["--version"], { env });
    expect(viaShell.code).toBe(0);
    expect(viaShell.stderr).toBe("");
    const direct = await run(process.execPath, [resolve("bin/infra.js"), "--version"], { env });
    expect(direct.stdout).toBe(viaShell.stdout);
    expect(direct.stderr).toContain(`Ignoring extra certs from \`${MISSING}\``);
  });

  it("gives the variable back to the programs infra starts, and nothing of its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-launcher-"));
    const out = join(dir, "env.txt");
    const playbook = join(dir, "env.yaml");
    writeFileSync(
      playbook,
      [
        "- hosts: localhost",
        "  connection: local",
        "  gather_facts: false",
        "  tasks:",
        `    - shell: "printenv NODE_EXTRA_CA_CERTS > ${out}; printenv INFRA_EXTRA_CA_CERTS >> ${out} || true"`,
        "",
      ].join("\n"),
    );
    const r = await run(resolve("bin/infra"), ["apply", "-i", "localhost,", playbook], { env, cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(`${MISSING}\n`);
  });

  it("runs through a symbolic link (npm link) and passes arguments and the exit status through", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-launcher-"));
    const link = join(dir, "infra");
    symlinkSync(resolve("bin/infra"), link);
    const ok = await run(link, ["--version"], { env: { ...process.env, INFRA_CODE_CACHE: "off" } });
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
    const bad = await run(link, ["apply", "--no-such-option"], {
      env: { ...process.env, INFRA_CODE_CACHE: "off" },
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--no-such-option");
  });
});
