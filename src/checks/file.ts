/**
 * `file`: a path exists (or not), its type, owner, group and mode (exact, or "no looser than"), and lines or
 * patterns its contents must hold or must not hold.
 */
import { fail, fixFor, pass } from "./lib/results.js";
import { decode64, lineMatcher, probeLines } from "./lib/probe-output.js";
import { base64Line, shellQuote } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface FileSpec {
  path: string;
  exists?: boolean;
  type?: "file" | "directory" | "symlink";
  owner?: string;
  group?: string;
  /** Exactly this mode ("0600"). */
  mode?: string;
  /** No permission bit outside this mode ("0600" accepts 0600 and 0400). */
  mode_max?: string;
  contains?: string[];
  not_contains?: string[];
  fix?: string | Record<string, string>;
}

const MODE = {
  type: "string",
  pattern: "^0?[0-7]{3,4}$",
  description: 'an octal mode in quotes, such as "0600"',
};
const patterns = { type: "array", items: { type: "string", minLength: 1 } };

const TYPES: Record<string, string> = {
  "regular file": "file",
  "regular empty file": "file",
  directory: "directory",
  "symbolic link": "symlink",
};

const octal = (m: string) => parseInt(m, 8);
const show = (m: number) => m.toString(8).padStart(4, "0");

export const fileCheck: ProbeCheck<FileSpec> = {
  kind: "probe",
  name: "file",
  schema: {
    type: "object",
    required: ["path"],
    additionalProperties: false,
    properties: {
      path: { type: "string", pattern: "^/", description: "an absolute path, starting with /" },
      exists: { type: "boolean" },
      type: { enum: ["file", "directory", "symlink"] },
      owner: { type: "string" },
      group: { type: "string" },
      mode: MODE,
      mode_max: MODE,
      contains: patterns,
      not_contains: patterns,
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `file ${s.path}`,

  probe(spec) {
    const p = shellQuote(spec.path);
    const lines = [`if [ -e ${p} ] || [ -L ${p} ]; then stat -c 'stat|%F|%U|%G|%a' -- ${p}; fi`];
    if (spec.contains?.length || spec.not_contains?.length)
      lines.push(`if [ -f ${p} ]; then ${base64Line("content", p)}; fi`);
    return lines.join("\n");
  },

  evaluate(spec, output) {
    const lines = probeLines(output);
    const stat = lines.find((l) => l.key === "stat")?.fields;
    const want = spec.exists ?? true;
    const path = spec.path;
    const fix = (prop: string, fallback: string) => fixFor(spec.fix, prop, fallback);
    if (!stat) {
      return [
        want
          ? fail("exists", "present", "missing", `${path} does not exist`, fix("exists", `create it`))
          : pass("exists", "absent", "absent"),
      ];
    }
    if (!want) return [fail("exists", "absent", "present", `${path} exists`, fix("exists", `remove it`))];
    const [kind, owner, group, modeText] = stat as [string, string, string, string];
    const type = TYPES[kind] ?? kind;
    const mode = octal(modeText);
    const out: PropertyResult[] = [pass("exists", "present", "present")];
    if (spec.type)
      out.push(
        type === spec.type
          ? pass("type", spec.type, type)
          : fail("type", spec.type, type, `${path} is a ${type}`, fix("type", `it must be a ${spec.type}`)),
      );
    for (const [prop, wanted, found, cmd] of [
      ["owner", spec.owner, owner, "chown"],
      ["group", spec.group, group, "chgrp"],
    ] as const) {
      if (wanted === undefined) continue;
      out.push(
        found === wanted
          ? pass(prop, wanted, found)
          : fail(
              prop,
              wanted,
              found,
              `${path} is ${prop === "owner" ? "owned by" : "in group"} ${found}`,
              fix(prop, `${cmd} ${wanted} ${path}`),
            ),
      );
    }
    if (spec.mode !== undefined) {
      const m = octal(spec.mode);
      out.push(
        m === mode
          ? pass("mode", show(m), show(mode))
          : fail(
              "mode",
              show(m),
              show(mode),
              `${path} is mode ${show(mode)}`,
              fix("mode", `chmod ${show(m)} ${path}`),
            ),
      );
    }
    if (spec.mode_max !== undefined) {
      const max = octal(spec.mode_max);
      const extra = mode & ~max;
      out.push(
        extra === 0
          ? pass("mode", `no looser than ${show(max)}`, show(mode))
          : fail(
              "mode",
              `no looser than ${show(max)}`,
              show(mode),
              `${path} is mode ${show(mode)}`,
              fix("mode", `it must be no looser than ${show(max)} — chmod ${show(mode & max)} ${path}`),
            ),
      );
    }
    const text = decode64(lines.find((l) => l.key === "content")?.fields[0]);
    const readable = type === "file";
    for (const pattern of spec.contains ?? []) {
      const ok = readable && lineMatcher(pattern)(text);
      out.push(
        ok
          ? pass("contains", pattern, "present")
          : fail(
              "contains",
              pattern,
              "absent",
              `${path} has no ${pattern.startsWith("/") ? "match for" : "line"} ${pattern}`,
              fix("contains", "add it"),
            ),
      );
    }
    for (const pattern of spec.not_contains ?? []) {
      const bad = readable && lineMatcher(pattern)(text);
      out.push(
        bad
          ? fail(
              "not_contains",
              `no ${pattern}`,
              "present",
              `${path} contains ${pattern}`,
              fix("not_contains", "remove it"),
            )
          : pass("not_contains", `no ${pattern}`, "absent"),
      );
    }
    return out;
  },
};
