/** What ansible-config can't show us: errors, connection-plugin settings and the configparser corner cases. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfigIni, iniGet } from "../../../src/config/index.js";
import { InfraError } from "../../../src/util/errors.js";

function project(cfg: string): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "infra-cfg-unit-"));
  mkdirSync(join(dir, "home"));
  writeFileSync(join(dir, "ansible.cfg"), cfg);
  return { dir, env: { HOME: join(dir, "home") } };
}

function thrown(fn: () => unknown): InfraError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InfraError) return e;
    throw e;
  }
  throw new Error("expected an InfraError");
}

describe("loadConfig", () => {
  it("reads ssh_args across continuation lines and pipelining from [ssh_connection]", () => {
    const { dir, env } = project(
      "[ssh_connection]\nssh_args = -C\n  -o ControlPersist=30s\npipelining = True\n",
    );
    const c = loadConfig(dir, env);
    expect(c.ssh_connection).toEqual({ ssh_args: "-C\n-o ControlPersist=30s", pipelining: true });
    expect(c.origins.pipelining).toBe(join(dir, "ansible.cfg"));
  });

  it("ANSIBLE_SSH_PIPELINING (the later env name) wins over ANSIBLE_PIPELINING", () => {
    const { dir, env } = project("[defaults]\n");
    const c = loadConfig(dir, { ...env, ANSIBLE_PIPELINING: "yes", ANSIBLE_SSH_PIPELINING: "no" });
    expect(c.ssh_connection.pipelining).toBe(false);
    expect(c.origins.pipelining).toBe("env: ANSIBLE_SSH_PIPELINING");
  });

  it("a misspelt boolean is an error pointing at the line, not a silent false", () => {
    const { dir, env } = project("[defaults]\nforks = 3\nhost_key_checking = flase\n");
    const err = thrown(() => loadConfig(dir, env));
    expect(err.message).toContain('"host_key_checking"');
    expect(err.location).toEqual({ file: join(dir, "ansible.cfg"), line: 3 });
    expect(err.exitCode).toBe(5);
  });

  it("a bad boolean from the environment names the variable", () => {
    const { dir, env } = project("[defaults]\n");
    const err = thrown(() => loadConfig(dir, { ...env, ANSIBLE_BECOME: "maybe" }));
    expect(err.location).toEqual({ file: "env: ANSIBLE_BECOME" });
  });

  it("rejects a non-integer and an unknown gathering mode", () => {
    expect(thrown(() => loadConfig(...args(project("[defaults]\ntimeout = 30 # s\n")))).message).toContain(
      "an integer",
    );
    expect(thrown(() => loadConfig(...args(project("[defaults]\ngathering = lazy\n")))).message).toContain(
      "one of implicit, explicit, smart",
    );
  });

  it("ANSIBLE_CONFIG with an unsupported extension is an error", () => {
    const { dir, env } = project("[defaults]\n");
    writeFileSync(join(dir, "settings.conf"), "[defaults]\n");
    expect(thrown(() => loadConfig(dir, { ...env, ANSIBLE_CONFIG: "settings.conf" })).message).toContain(
      "Unsupported configuration file extension",
    );
  });
});

function args(p: { dir: string; env: Record<string, string> }): [string, Record<string, string>] {
  return [p.dir, p.env];
}

describe("parseConfigIni (Python configparser rules)", () => {
  it("keys are case-insensitive, '#' after a value is kept, '; ' starts a comment, [DEFAULT] shows through", () => {
    const ini = parseConfigIni(
      "[DEFAULT]\nshared = d\n[defaults]\nKey = a # b\nother: c ;d\nx=y;z\n",
      "a.cfg",
    );
    expect(iniGet(ini, "defaults", "key")?.value).toBe("a # b");
    expect(iniGet(ini, "defaults", "other")?.value).toBe("c");
    expect(iniGet(ini, "defaults", "x")?.value).toBe("y;z");
    expect(iniGet(ini, "defaults", "shared")?.value).toBe("d");
    expect(iniGet(ini, "missing", "shared")).toBeUndefined();
  });

  it("keeps blank lines inside a continued value but not at its end", () => {
    const ini = parseConfigIni("[s]\nk = a\n\n  b\n\n[t]\n", "a.cfg");
    expect(iniGet(ini, "s", "k")?.value).toBe("a\n\nb");
  });

  it("errors: no section header, duplicate key, duplicate section, line without '='", () => {
    expect(thrown(() => parseConfigIni("key = 1\n", "a.cfg")).message).toContain("no section headers");
    const dup = thrown(() => parseConfigIni("[s]\nk = 1\nK = 2\n", "a.cfg"));
    expect(dup.message).toContain("option 'k' in section 's' already exists");
    expect(dup.location).toEqual({ file: "a.cfg", line: 3, column: 1 });
    expect(thrown(() => parseConfigIni("[s]\n[s]\n", "a.cfg")).message).toContain(
      "section 's' already exists",
    );
    expect(thrown(() => parseConfigIni("[s]\njust words\n", "a.cfg")).location?.line).toBe(2);
  });
});
