/**
 * Template files rendered by renderTemplateFile and by the real `ansible-playbook` template module must be
 * byte-identical (loops over groups, whitespace control, headers, CRLF sources, trailing newlines).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { InfraError } from "../../../src/util/errors.js";
import { parseHeader, renderTemplateFile } from "../../../src/template/template-file.js";

const fixtures = fileURLToPath(new URL("./fixtures/templates", import.meta.url));
const templates = readdirSync(fixtures)
  .filter((f) => f.endsWith(".j2"))
  .sort();

const vars = {
  port: 8080,
  users: [
    { name: "ann", admin: true },
    { name: "bob", admin: false },
    { name: "cy", admin: false },
  ],
  settings: { timeout: 30, name: "svc", é: "ü", list: [1, 2] },
};
const inventory = { web: { web1: "10.0.0.1", web2: "10.0.0.2" }, db: { db1: "10.0.1.1" } };

function ourVars(): Record<string, unknown> {
  const hostvars: Record<string, unknown> = { localhost: {} };
  const groups: Record<string, string[]> = { all: ["localhost"], ungrouped: [], local: ["localhost"] };
  for (const [group, hosts] of Object.entries(inventory)) {
    groups[group] = Object.keys(hosts);
    for (const [h, ip] of Object.entries(hosts)) {
      hostvars[h] = { ip };
      groups.all!.push(h);
    }
  }
  return { ...structuredClone(vars), groups, hostvars, inventory_hostname: "localhost" };
}

const hasAnsible = spawnSync("ansible-playbook", ["--version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasAnsible)("template files match ansible's template module byte for byte", () => {
  const out = mkdtempSync(join(tmpdir(), "infra-tpl-"));
  beforeAll(() => {
    const inv = ["[local]", "localhost ansible_connection=local"];
    for (const [group, hosts] of Object.entries(inventory)) {
      inv.push(`[${group}]`, ...Object.entries(hosts).map(([h, ip]) => `${h} ip=${ip}`));
    }
    writeFileSync(join(out, "inventory"), inv.join("\n") + "\n");
    writeFileSync(join(out, "vars.json"), JSON.stringify(vars));
    const tasks = templates.map((t) => ({
      template: { src: join(fixtures, t), dest: join(out, `${t}.ansible`) },
    }));
    writeFileSync(
      join(out, "play.yml"),
      JSON.stringify([{ hosts: "localhost", gather_facts: false, tasks }]),
    );
    const res = spawnSync(
      "ansible-playbook",
      ["-i", join(out, "inventory"), "-e", `@${join(out, "vars.json")}`, join(out, "play.yml")],
      {
        encoding: "utf8",
        env: {
          ...process.env,
          ANSIBLE_NOCOLOR: "1",
          ANSIBLE_RETRY_FILES_ENABLED: "0",
          ANSIBLE_LOCAL_TEMP: join(out, "tmp"),
        },
      },
    );
    if (res.status !== 0) throw new Error(`ansible-playbook failed:\n${res.stdout}\n${res.stderr}`);
  }, 120_000);

  it.each(templates)("%s", (t) => {
    const ours = renderTemplateFile(join(fixtures, t), ourVars(), {
      decryptVault: () => "",
      dest: join(out, `${t}.ansible`),
    });
    expect(ours).toBe(readFileSync(join(out, `${t}.ansible`), "utf8"));
  });
});

describe("template file errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "infra-tpl-err-"));
  it("names the file and line of a syntax error", () => {
    const f = join(dir, "bad.j2");
    writeFileSync(f, "ok\n{% for x in y %}\n{{ x }\n");
    try {
      renderTemplateFile(f, {}, { decryptVault: () => "" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InfraError);
      expect((e as InfraError).location).toMatchObject({ file: f, line: 3 });
    }
  });
  it("names the undefined variable and where it is used", () => {
    const f = join(dir, "undef.j2");
    writeFileSync(f, "a\nb {{ nope }}\n");
    expect(() => renderTemplateFile(f, {}, { decryptVault: () => "" })).toThrow(/'nope' is undefined/);
    try {
      renderTemplateFile(f, {}, { decryptVault: () => "" });
    } catch (e) {
      expect((e as InfraError).location).toMatchObject({ file: f, line: 2 });
    }
  });
  it("reads #jinja2 headers", () => {
    expect(parseHeader("#jinja2: trim_blocks: False\nbody", "f").syntax).toEqual({ trimBlocks: false });
    expect(() => parseHeader("#jinja2: trim_blocks False\n", "f")).toThrow(/colon as key-value separator/);
  });
});
