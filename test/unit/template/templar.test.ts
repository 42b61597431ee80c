/** Templar behaviour that needs no Ansible to check: laziness, vault, unsafe, undefined errors, lookups, caching. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InfraError } from "../../../src/util/errors.js";
import { UnsafeText } from "../../../src/util/yaml.js";
import { VaultString } from "../../../src/vault/vault-string.js";
import { OMIT, Templar } from "../../../src/template/templar.js";
import { LazyDict } from "../../../src/template/values.js";

function templar(vars: Record<string, unknown>, searchPaths?: string[]): Templar {
  return new Templar({
    vars,
    decryptVault: (v) => `plain(${v.ciphertext})`,
    loader: searchPaths ? { searchPaths } : undefined,
  });
}

function error(fn: () => unknown): InfraError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InfraError);
    return e as InfraError;
  }
  throw new Error("expected an InfraError");
}

describe("variables", () => {
  it("templates variables lazily, only when read", () => {
    const t = templar({ a: "{{ b }}-x", b: "{{ c | upper }}", c: "v", broken: "{{ nope }}" });
    expect(t.template("{{ a }}")).toBe("V-x");
    // `broken` is never read, so its undefined variable does not matter.
    expect(t.template("{{ c }}")).toBe("v");
  });
  it("detects recursion and names the variable", () => {
    const e = error(() => templar({ a: "{{ b }}", b: "{{ a }}" }).template("{{ a }}"));
    expect(e.message).toMatch(/recursive loop detected in template string/);
    expect(e.hint).toMatch(/variable 'a'/);
  });
  it("decrypts vaulted values and never templates unsafe text", () => {
    const t = templar({ secret: new VaultString("CIPHER"), raw: new UnsafeText("{{ not_a_var }}") });
    expect(t.template("pw={{ secret }}")).toBe("pw=plain(CIPHER)");
    expect(t.template("{{ raw }}")).toBe("{{ not_a_var }}");
    expect(t.template(new VaultString("X"))).toBe("plain(X)");
  });
  it("walks lists and dicts, keys included", () => {
    expect(templar({ k: "key", v: 2 }).template({ "{{ k }}": ["{{ v }}", "x{{ v }}"] })).toEqual({
      key: [2, "x2"],
    });
  });
  it("keeps numbers and bools for a lone variable, text otherwise", () => {
    const t = templar({ port: 80, on: true, name: "n" });
    expect(t.template("{{ port }}")).toBe(80);
    expect(t.template("{{ on }}")).toBe(true);
    expect(t.template("{{ port + 1 }}")).toBe("81");
    expect(t.template("{{ [port] }}")).toEqual([80]);
  });
  it("reads lazy mappings like hostvars key by key", () => {
    let reads = 0;
    const hostvars = new LazyDict(
      () => ["h1", "h2"],
      (h) => {
        reads++;
        return { ip: `10.0.0.${h.slice(1)}` };
      },
    );
    const t = templar({ hostvars, groups: { web: ["h1", "h2"] } });
    expect(t.template("{% for h in groups.web %}{{ hostvars[h].ip }} {% endfor %}")).toBe(
      "10.0.0.1 10.0.0.2 ",
    );
    expect(reads).toBe(2);
    expect(t.template("{{ hostvars.h1.missing | default('none') }}")).toBe("none");
  });
  it("withVars layers loop variables on top", () => {
    const t = templar({ a: 1 }).withVars({ item: { name: "x" } });
    expect(t.template("{{ item.name }}{{ a }}")).toBe("x1");
  });
});

describe("undefined and errors", () => {
  it("names the undefined variable and the template text", () => {
    const e = error(() =>
      templar({}).template("hello {{ who }}", { location: { file: "play.yml", line: 3 } }),
    );
    expect(e.message).toBe("'who' is undefined. String: hello {{ who }}");
    expect(e.location).toEqual({ file: "play.yml", line: 3 });
  });
  it("reports missing attributes the way Jinja2 does", () => {
    expect(error(() => templar({ d: { a: 1 } }).template("{{ d.b }}")).message).toMatch(
      /^'dict object' has no attribute 'b'/,
    );
    expect(error(() => templar({ l: [1] }).template("{{ l[3] }}")).message).toMatch(
      /^list object has no element 3/,
    );
    expect(templar({ d: {} }).template("{{ d.x.y is defined }}")).toBe(false);
  });
  it("reports syntax errors with the Jinja2 wording", () => {
    expect(error(() => templar({}).template("{% frob %}")).message).toMatch(/Encountered unknown tag 'frob'/);
    expect(error(() => templar({}).template("{{ x | nofilter }}")).message).toMatch(
      /No filter named 'nofilter'/,
    );
  });
  it("a failure inside a variable names that variable", () => {
    const e = error(() => templar({ a: "{{ b.c }}", b: {} }).template("{{ a }}"));
    expect(e.message).toMatch(/'dict object' has no attribute 'c'/);
    expect(e.hint).toMatch(/variable 'a'/);
  });
  it("exposes omit and mandatory", () => {
    expect(templar({}).template("{{ x | default(omit) }}")).toBe(OMIT);
    expect(error(() => templar({}).template("{{ x | mandatory }}")).message).toMatch(
      /Mandatory variable 'x'/,
    );
  });
});

describe("conditions", () => {
  const t = templar({ x: 1, flag: "yes", empty: [], d: {} });
  it.each([
    ["x is defined and flag | bool", true],
    ["y is defined", false],
    ["empty", false],
    ["not d", true],
    ["x == 1 and 'a' in ['a']", true],
    ["x is not none", true],
  ])("%s", (expr, want) => {
    expect(t.evaluate(expr)).toBe(want);
  });
  it("fails on undefined names in conditions", () => {
    expect(error(() => t.evaluate("y == 1")).message).toMatch(/'y' is undefined/);
  });
  it("evaluates expressions natively", () => {
    expect(t.expression("[x, x + 1]")).toEqual([1, 2]);
    expect(t.expression("x + 1")).toBe(2);
  });
});

describe("lookups", () => {
  const dir = mkdtempSync(join(tmpdir(), "infra-lookup-"));
  mkdirSync(join(dir, "files"));
  mkdirSync(join(dir, "templates"));
  writeFileSync(join(dir, "files", "motd.txt"), "welcome\n\n");
  writeFileSync(join(dir, "plain.txt"), "top");
  writeFileSync(join(dir, "templates", "t.j2"), "hi {{ who }}\n");
  const t = templar({ who: "ann", varname: "who" }, [dir]);

  it("file: searches files/ then the directory, strips trailing space", () => {
    expect(t.template("{{ lookup('file', 'motd.txt') }}")).toBe("welcome");
    expect(t.template("{{ lookup('file', 'plain.txt') }}")).toBe("top");
    expect(error(() => t.template("{{ lookup('file', 'nope.txt') }}")).message).toMatch(
      /could not locate file in lookup: nope.txt/,
    );
  });
  it("env, pipe, vars, template", () => {
    process.env.INFRA_TEST_LOOKUP = "val";
    expect(t.template("{{ lookup('env', 'INFRA_TEST_LOOKUP') }}")).toBe("val");
    expect(t.template("{{ lookup('pipe', 'echo hi; echo there') }}")).toBe("hi\nthere");
    expect(t.template("{{ lookup('vars', varname) }}")).toBe("ann");
    expect(t.template("{{ lookup('template', 't.j2') }}")).toBe("hi ann\n");
  });
  it("query/q and wantlist return lists; first_found returns a path", () => {
    expect(t.template("{{ query('env', 'INFRA_TEST_LOOKUP', 'HOME') | length }}")).toBe("2");
    expect(t.template("{{ q('vars', 'who') }}")).toEqual(["ann"]);
    expect(t.template("{{ lookup('vars', 'who', wantlist=True) }}")).toEqual(["ann"]);
    expect(t.template("{{ lookup('first_found', ['missing.txt', 'motd.txt']) }}")).toBe(
      join(dir, "files", "motd.txt"),
    );
  });
});

describe("password_hash", () => {
  const hasCrypt =
    spawnSync("/usr/bin/python3", ["-W", "ignore", "-c", "import crypt"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasCrypt).each([
    ["sha512", "saltsalt", "$6$saltsalt"],
    ["sha256", "abc", "$5$abc"],
  ])("%s matches crypt(3)", (scheme, salt, setting) => {
    const ours = templar({}).template(`{{ 'secret' | password_hash('${scheme}', '${salt}') }}`);
    const py = spawnSync(
      "/usr/bin/python3",
      ["-W", "ignore", "-c", `import crypt; print(crypt.crypt('secret', '${setting}'))`],
      {
        encoding: "utf8",
      },
    );
    expect(ours).toBe(py.stdout.trim());
  });
});

describe("compiled templates are cached", () => {
  it("renders many small templates quickly", () => {
    const t = templar({ x: 1, l: [1, 2, 3] });
    const start = performance.now();
    for (let i = 0; i < 5000; i++) t.template(`{{ x + ${i % 50} }} {% for y in l %}{{ y }}{% endfor %}`);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
