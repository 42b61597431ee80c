/**
 * `repo`: the student's repository on the control machine — files the lab's "Expected result" lists, and
 * Markdown documents with a section per service that holds the commands it must contain.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fail, fixFor, pass, skip } from "./lib/results.js";
import { matcher } from "./lib/probe-output.js";
import type { LocalCheck, PropertyResult } from "./types.js";

export interface SectionSpec {
  /** Pattern the section's heading must match (`/mysql|mariadb/i`). */
  heading: string;
  /** Patterns the section's text must contain (commands). */
  commands?: string[];
}

export interface RepoSpec {
  files?: string[];
  document?: string;
  /** Service name → its section. */
  sections?: Record<string, SectionSpec>;
  fix?: string | Record<string, string>;
}

export interface MdSection {
  heading: string;
  level: number;
  body: string;
}

/** A Markdown file's sections: each heading with the text up to the next heading of the same or a higher level. */
export function markdownSections(text: string): MdSection[] {
  const lines = text.split("\n");
  const heads: { i: number; level: number; heading: string }[] = [];
  let fence = false;
  lines.forEach((l, i) => {
    if (/^\s*(```|~~~)/.test(l)) fence = !fence;
    const m = !fence && /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l);
    if (m) heads.push({ i, level: m[1]!.length, heading: m[2]! });
    // Setext headings: a line underlined with === or ---.
    else if (
      !fence &&
      i > 0 &&
      /^(=+|-+)\s*$/.test(l) &&
      lines[i - 1]!.trim() &&
      !/^\s*[-*]/.test(lines[i - 1]!)
    )
      heads.push({ i: i - 1, level: l.trim().startsWith("=") ? 1 : 2, heading: lines[i - 1]!.trim() });
  });
  return heads.map((h, k) => {
    const next = heads.slice(k + 1).find((x) => x.level <= h.level);
    return {
      heading: h.heading,
      level: h.level,
      body: lines.slice(h.i + 1, next ? next.i : lines.length).join("\n"),
    };
  });
}

export const repoCheck: LocalCheck<RepoSpec> = {
  kind: "local",
  name: "repo",
  schema: {
    type: "object",
    additionalProperties: false,
    properties: {
      files: { type: "array", items: { type: "string", minLength: 1 } },
      document: { type: "string", minLength: 1 },
      sections: {
        type: "object",
        additionalProperties: {
          type: "object",
          required: ["heading"],
          additionalProperties: false,
          properties: { heading: { type: "string" }, commands: { type: "array", items: { type: "string" } } },
        },
      },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => (s.document ? `${s.document} in the repository` : "files in the repository"),

  run(spec, ctx) {
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    const repo = ctx.repo;
    if (!repo) return [skip("repo", "a repository", "no repository was given (--repo)")];
    const out: PropertyResult[] = [];
    for (const f of spec.files ?? []) {
      const ok = yamlSpellings(f.replace(/\/$/, "")).some((name) => {
        const p = join(repo, name);
        return existsSync(p) && (f.endsWith("/") ? statSync(p).isDirectory() : true);
      });
      out.push(
        ok
          ? pass("file", f, "present")
          : fail("file", f, "missing", `the repository has no ${f}`, fix("file", "add it and push")),
      );
    }
    if (spec.document) {
      const p = join(repo, spec.document);
      if (!existsSync(p)) {
        out.push(
          fail(
            "document",
            spec.document,
            "missing",
            `the repository has no ${spec.document}`,
            fix("document", "write it and push"),
          ),
        );
        return out;
      }
      out.push(pass("document", spec.document, "present"));
      const sections = markdownSections(readFileSync(p, "utf8"));
      for (const [service, want] of Object.entries(spec.sections ?? {})) {
        const hit = sections.filter((s) => matcher(want.heading)(s.heading));
        if (!hit.length) {
          out.push(
            fail(
              "section",
              `a ${service} section`,
              sections.map((s) => s.heading).join(", ") || "no headings",
              `${spec.document} has no ${service} section (a heading matching ${want.heading})`,
              fix("section", `add "## ${service}" with the commands to restore it`),
            ),
          );
          continue;
        }
        out.push(pass("section", `a ${service} section`, hit[0]!.heading));
        const body = hit.map((s) => s.body).join("\n");
        for (const c of want.commands ?? [])
          out.push(
            matcher(c)(body)
              ? pass("command", `${service}: ${c}`, "present")
              : fail(
                  "command",
                  `${service}: ${c}`,
                  "absent",
                  `the ${service} section of ${spec.document} does not mention ${c}`,
                  fix("command", "add the command you run for that step"),
                ),
          );
      }
    }
    return out;
  },
};

/** Ansible reads `main.yml` and `main.yaml` alike, so a listed YAML file may have either ending. */
function yamlSpellings(name: string): string[] {
  const m = /^(.*)\.ya?ml$/.exec(name);
  return m ? [`${m[1]}.yaml`, `${m[1]}.yml`] : [name];
}
