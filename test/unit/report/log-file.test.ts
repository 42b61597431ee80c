import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Display } from "../../../src/report/display.js";
import { openLogFile } from "../../../src/report/log-file.js";
import { clearSecrets, registerSecret } from "../../../src/vault/censor.js";

const sink = { write: () => true };

describe("log_path", () => {
  afterEach(() => clearSecrets());

  it("appends every displayed line, uncoloured and censored, in Ansible's logger format", () => {
    const path = join(mkdtempSync(join(tmpdir(), "infra-log-")), "ansible.log");
    const log = openLogFile(path, (m) => expect.fail(m))!;
    registerSecret("s3cret-value");
    const d = new Display({ out: sink, err: sink, color: true, verbosity: 0, log: log.write });
    d.banner("TASK [x]");
    d.display("changed: [web1] => s3cret-value", "yellow");
    d.warning("careful");
    log.close();
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    const prefix = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} p=\d+ u=\S+ n=ansible \| /;
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(prefix);
    expect(lines.map((l) => l.replace(prefix, ""))[0]).toMatch(/^TASK \[x\] \*+$/);
    expect(lines[1]!.replace(prefix, "")).toBe("changed: [web1] => ********");
    expect(lines[2]).toContain("[WARNING]: careful");
    expect(readFileSync(path, "utf8")).not.toMatch(/\x1b\[|s3cret/);
  });

  it("warns and logs nothing when the file cannot be opened", () => {
    const warned: string[] = [];
    const file = join(mkdtempSync(join(tmpdir(), "infra-log-")), "a-file");
    writeFileSync(file, "");
    expect(openLogFile(join(file, "ansible.log"), (m) => warned.push(m))).toBeUndefined();
    expect(warned[0]).toMatch(/not writeable/);
  });
});
