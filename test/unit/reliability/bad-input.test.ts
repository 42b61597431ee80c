/**
 * The bad-input corpus (test/bad-input/): every malformed input gets one paragraph with file:line:column where one
 * exists, the right exit code, and no stack trace. The table is test/bad-input/expectations.yaml; this walks it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const CORPUS = resolve("test/bad-input");
// Files the runner itself uses, not cases.
const HELPERS = new Set([
  "expectations.yaml",
  "localhost.ini",
  "list-hosts.yml",
  "vault/password",
  "vault/empty-password",
]);

interface Case {
  name: string;
  case?: string;
  run: "apply" | "list-hosts" | "vault-view" | "check-defs";
  args?: string[];
  no_vault_password?: boolean;
  exit: number;
  message: string;
  where?: string;
}

const table = parse(readFileSync(join(CORPUS, "expectations.yaml"), "utf8")) as { cases: Case[] };

function command(c: Case): { cwd: string; args: string[] } {
  const path = join(CORPUS, c.case ?? c.name);
  const isDir = existsSync(path) && statSync(path).isDirectory();
  const cwd = isDir ? path : dirname(path);
  const target = isDir ? "site.yml" : path.split("/").pop()!;
  const extra = c.args ?? [];
  const password =
    c.no_vault_password || extra.includes("--vault-password-file")
      ? []
      : ["--vault-password-file", join(CORPUS, "vault/password")];
  if (c.run === "list-hosts")
    return { cwd, args: ["apply", "--list-hosts", "-i", target, join(CORPUS, "list-hosts.yml")] };
  if (c.run === "vault-view") return { cwd, args: ["vault", "view", ...password, ...extra, target] };
  // No inventory: a definition file that loads would stop at "needs -i INVENTORY", so no host is ever contacted.
  if (c.run === "check-defs") return { cwd, args: ["check", "--checks", target, ...extra] };
  const hosts = isDir && existsSync(join(path, "hosts")) ? "hosts" : join(CORPUS, "localhost.ini");
  return { cwd, args: ["apply", "-i", hosts, ...password, ...extra, target] };
}

/** "f.yml:3:7" appears as "…/f.yml:3:7: message" (load error) or "…/f.yml': line 3, column 7" (task failure). */
function mentionsPlace(output: string, where: string): boolean {
  const [file, line, column] = where.split(":");
  if (output.includes(`/${where}`) || output.includes(` ${where}`)) return true;
  return column !== undefined && output.includes(`/${file}': line ${line}, column ${column}`);
}

const STACK_FRAME = /^\s+at .+(\(|\s)(file:|node:|\/).*:\d+:\d+\)?$/m;

describe("bad-input corpus", () => {
  it("has at least 100 cases, unique names, and every corpus file belongs to a case", () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(table.cases.map((c) => c.name)).size).toBe(table.cases.length);
    const used = new Set(table.cases.map((c) => c.case ?? c.name));
    const orphans: string[] = [];
    for (const top of readdirSync(CORPUS, { withFileTypes: true })) {
      if (!top.isDirectory()) continue;
      for (const entry of readdirSync(join(CORPUS, top.name))) {
        const rel = `${top.name}/${entry}`;
        if (!used.has(rel) && !HELPERS.has(rel)) orphans.push(rel);
      }
    }
    expect(orphans).toEqual([]);
  });

  // One at a time: each call switches the working directory of this process.
  describe.sequential("each case fails cleanly", () => {
    for (const c of table.cases) {
      it(c.name, { timeout: 60_000 }, async () => {
        const { cwd, args } = command(c);
        const r = await runCli(args, cwd);
        // Task failures print their message as JSON; compare against the text it encodes.
        const output = (r.stderr + r.stdout).replace(/\\"/g, '"');
        const shown = `${c.name}: exit ${r.code}\n${output}`;
        expect(output, shown).not.toMatch(STACK_FRAME);
        expect(output, shown).not.toContain("Unexpected internal error");
        expect(r.code, shown).toBe(c.exit);
        expect(output, shown).toMatch(new RegExp(c.message));
        if (c.where) expect(mentionsPlace(output, c.where), `${shown}\nshould name ${c.where}`).toBe(true);
        if (r.stderr.includes("ERROR! ")) {
          // One paragraph: the error, the source line with its caret, the hint; no blank line inside.
          const paragraph = r.stderr.slice(r.stderr.indexOf("ERROR! ")).trimEnd();
          expect(paragraph, shown).not.toMatch(/\n\s*\n/);
        }
      });
    }
  });
});
