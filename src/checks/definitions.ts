/**
 * Check definitions: YAML files (checks/lab09.yaml, lab10.yaml, or an instructor's own with --checks) that list
 * a lab's tasks with points, each a list of checks. Validated with ajv — the envelope first, then each check's
 * spec against its type's schema — then what a schema cannot say: regular expressions compile, time zones exist,
 * roles and needs name things that exist and needs never wait on each other. Every problem is reported at the
 * file:line:column where it was written, with exit code 2 (grading could not run), before any host is contacted.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { nearestNames } from "../playbook/problems.js";
import { InfraError, type SourceLocation } from "../util/errors.js";
import { keyLocationOf, locationOf, readYamlFile } from "../util/yaml.js";
import {
  CANNOT_RUN,
  firstError,
  invalid,
  invalidAt,
  kindOf,
  lineAt,
  type Src,
  valueText,
} from "./definition-errors.js";
import { matcher } from "./lib/probe-output.js";
import { CHECK_TYPES } from "./registry.js";
import type { CheckDef, Definition, RoleDef, TaskDef } from "./types.js";

export { CANNOT_RUN } from "./definition-errors.js";

export const BUILTIN_DIR = fileURLToPath(new URL("../../checks/", import.meta.url));

export function builtinDefinition(lab: string): string {
  const file = `${BUILTIN_DIR}lab${lab.padStart(2, "0")}.yaml`;
  if (!existsSync(file))
    throw new InfraError(`there are no built-in checks for lab ${lab}`, {
      hint: `Built-in labs: 09, 10 (in ${BUILTIN_DIR}); or pass --checks FILE.`,
      exitCode: CANNOT_RUN,
    });
  return file;
}

// verbose: errors carry the value found and the schema that refused it (its properties, its description).
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });

const ID = {
  type: "string",
  pattern: "^[A-Za-z0-9_.-]+$",
  description: "an id of letters, digits, _ . and -, without spaces",
};

const envelope = {
  type: "object",
  required: ["lab", "tasks"],
  additionalProperties: false,
  properties: {
    lab: { type: ["string", "number"] },
    title: { type: "string" },
    vars: { type: "object", additionalProperties: { type: "string" } },
    roles: {
      type: "object",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          groups: { type: "array", items: { type: "string" } },
          union: { type: "array", items: { type: "string" } },
          discover: { enum: ["mariadb", "influxdb", "backup_server"] },
        },
      },
    },
    tasks: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["id", "title", "points", "checks"],
        additionalProperties: false,
        properties: {
          id: ID,
          title: { type: "string" },
          points: { type: "number", minimum: 0 },
          checks: {
            type: "array",
            minItems: 1,
            items: {
              type: "object",
              additionalProperties: false,
              minProperties: 1,
              properties: {
                id: ID,
                name: { type: "string" },
                // `hosts:` like a play's; YAML 1.1 (what we read) would turn a key `on` into the boolean true.
                hosts: { type: "string" },
                needs: {
                  type: "array",
                  items: {
                    type: "string",
                    pattern: "^[A-Za-z0-9_.-]+(:[a-z_]+)?$",
                    description: 'a check id, or "id:property" (e.g. "mysql-chain:chain")',
                  },
                },
                ...Object.fromEntries(Object.keys(CHECK_TYPES).map((t) => [t, { type: "object" }])),
              },
            },
          },
        },
      },
    },
  },
};
const validateEnvelope = ajv.compile(envelope);
const validators = new Map(Object.values(CHECK_TYPES).map((t) => [t.name, ajv.compile(t.schema)]));

/**
 * Fields of each check type that hold regular expressions, by path in the spec ("*" = every item or key):
 * `regex` ones always are one (new RegExp), `pattern` ones when written /like this/flags (see matcher). A pattern
 * that does not compile is a mistake in the definition, so it is reported here rather than when a host is graded.
 */
const PATTERN_FIELDS: Record<string, { regex?: string[]; pattern?: string[] }> = {
  cron: { regex: ["dump", "upload"] },
  file: { pattern: ["contains/*", "not_contains/*"] },
  command: { pattern: ["stdout/*", "stdout_not/*", "stderr/*", "stderr_not/*"] },
  repo: { pattern: ["sections/*/heading", "sections/*/commands/*"] },
};

function valuesAt(spec: unknown, path: string): { pointer: string; value: unknown }[] {
  let found = [{ pointer: "", value: spec }];
  for (const part of path.split("/")) {
    found = found.flatMap(({ pointer, value }) => {
      if (value === null || typeof value !== "object") return [];
      const keys = part === "*" ? Object.keys(value) : part in value ? [part] : [];
      return keys.map((k) => ({ pointer: `${pointer}/${k}`, value: (value as Record<string, unknown>)[k] }));
    });
  }
  return found;
}

function checkPatterns(src: Src, type: string, spec: unknown, base: string): void {
  const fields = PATTERN_FIELDS[type];
  if (!fields) return;
  const all = [
    ...(fields.regex ?? []).map((p) => ({ path: p, compile: (s: string) => new RegExp(s) })),
    ...(fields.pattern ?? []).map((p) => ({ path: p, compile: matcher })),
  ];
  for (const { path, compile } of all)
    for (const { pointer, value } of valuesAt(spec, path)) {
      // {{ name }} is filled in when grading; the text around it cannot be judged alone.
      if (typeof value !== "string" || value.includes("{{")) continue;
      try {
        compile(value);
      } catch (e) {
        const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
        const where = `${base}${pointer}`.replace(/^\//, "").replace(/\//g, ".");
        throw invalid(
          src,
          `${base}${pointer}`,
          `${where} is not a valid regular expression: ${why} (${valueText(value)})`,
          "Write ( ) [ ] { } . * + ? | \\ as \\( \\) … to match them literally.",
        );
      }
    }
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkZone(src: Src, zone: unknown, pointer: string): void {
  if (typeof zone !== "string" || zone.includes("{{") || validZone(zone)) return;
  const where = pointer.replace(/^\//, "").replace(/\//g, ".");
  throw invalid(
    src,
    pointer,
    `${where} is not a time zone this machine knows: ${valueText(zone)}`,
    'Use an IANA zone name such as "Europe/Tallinn" or "UTC".',
  );
}

/** Where each check's `id:` and `needs:` were written, for the errors that compare checks across files. */
const keyPlaces = new WeakMap<CheckDef, { id?: SourceLocation; needs?: SourceLocation; source?: string }>();

/** A YAML error in a definition file stops grading like any other mistake in it: the same exit code. */
function readDefinitionYaml(file: string): { documents: unknown[]; source: string } {
  try {
    return readYamlFile(file);
  } catch (e) {
    if (!(e instanceof InfraError)) throw e;
    throw new InfraError(e.message, {
      location: e.location,
      hint: e.hint,
      excerpt: e.excerpt,
      exitCode: CANNOT_RUN,
      cause: e,
    });
  }
}

const SHAPE_HINT =
  "A definition file is one mapping: lab:, title:, vars:, roles: and tasks: (a list of tasks with id, title, " +
  "points and checks) — see checks/lab10.yaml.";

/** Reads and validates one definition file. */
export function loadDefinition(file: string): Definition {
  if (!existsSync(file))
    throw new InfraError(`check definitions ${file} not found`, {
      hint: "Give --checks the path of a definition file (YAML), or use --lab for the built-in ones.",
      exitCode: CANNOT_RUN,
    });
  const { documents, source } = readDefinitionYaml(file);
  const doc = documents[0];
  const src: Src = { file, root: doc, source };
  const start = { file, line: 1, column: 1 };
  if (doc === undefined || doc === null) throw invalidAt(src, start, "the file is empty", SHAPE_HINT);
  if (typeof doc !== "object" || Array.isArray(doc))
    throw invalidAt(
      src,
      locationOf(doc) ?? start,
      `the file must be a mapping, got ${kindOf(doc)}`,
      SHAPE_HINT,
    );
  if (documents.length > 1) {
    const second = locationOf(documents[1]) ?? start;
    throw invalidAt(
      src,
      second,
      `the file holds ${documents.length} YAML documents; only one is read, so the others would be ignored`,
      "Put each lab in a file of its own and pass them all: --checks a.yaml b.yaml.",
    );
  }
  if (!validateEnvelope(doc)) throw firstError(src, validateEnvelope.errors ?? []);
  const raw = doc as {
    lab: string | number;
    title?: string;
    vars?: Record<string, string>;
    roles?: Record<string, RoleDef>;
    tasks: { id: string; title: string; points: number; checks: Record<string, unknown>[] }[];
  };
  const roles = raw.roles ?? {};
  const roleNames = Object.keys(roles).join(", ") || "none";
  for (const [name, role] of Object.entries(roles))
    for (const [i, part] of (role.union ?? []).entries())
      if (!roles[part] || part === name)
        throw invalid(
          src,
          `/roles/${name}/union/${i}`,
          part === name
            ? `roles.${name}.union names the role itself`
            : `roles.${name}.union names an unknown role "${part}"`,
          `Roles of this file: ${roleNames}.`,
        );
  checkZone(src, raw.vars?.local_zone, "/vars/local_zone");
  const taskIds = new Map<string, number>();
  raw.tasks.forEach((t, ti) => {
    const before = taskIds.get(t.id);
    if (before !== undefined)
      throw invalid(
        src,
        `/tasks/${ti}/id`,
        `task id "${t.id}" is used twice`,
        `The other one is task ${before + 1}, at line ${locationOf(raw.tasks[before])?.line}.`,
      );
    taskIds.set(t.id, ti);
  });
  const tasks: TaskDef[] = raw.tasks.map((t, ti) => ({
    id: t.id,
    title: t.title,
    points: t.points,
    checks: t.checks.map((c, ci): CheckDef => {
      const pointer = `/tasks/${ti}/checks/${ci}`;
      const types = Object.keys(c).filter((k) => k in CHECK_TYPES);
      if (types.length !== 1)
        throw invalid(
          src,
          pointer,
          `a check names exactly one type, found ${types.length ? types.join(", ") : "none"}`,
          `Types: ${Object.keys(CHECK_TYPES).join(", ")}.`,
        );
      const type = types[0]!;
      const validate = validators.get(type)!;
      if (!validate(c[type])) throw firstError(src, validate.errors ?? [], `${pointer}/${type}`);
      checkPatterns(src, type, c[type], `${pointer}/${type}`);
      if (type === "cron")
        checkZone(src, (c[type] as { local_zone?: unknown }).local_zone, `${pointer}/cron/local_zone`);
      const on = c.hosts as string | undefined;
      if (type !== "repo" && !on)
        throw invalid(
          src,
          pointer,
          `a ${type} check needs "hosts:" (a role: ${roleNames === "none" ? "none defined" : roleNames})`,
        );
      if (on && !roles[on]) {
        const near = nearestNames(on, Object.keys(roles));
        throw invalid(
          src,
          `${pointer}/hosts`,
          `unknown role "${on}"${near.length ? ` (did you mean "${near[0]}"?)` : ""}`,
          `Roles of this file: ${roleNames}.`,
        );
      }
      const def: CheckDef = {
        id: (c.id as string | undefined) ?? `${t.id}.${ci + 1}`,
        type,
        on,
        name: c.name as string | undefined,
        needs: (c.needs as string[] | undefined) ?? [],
        spec: c[type] as Record<string, unknown>,
        location: locationOf(c),
      };
      keyPlaces.set(def, {
        id: "id" in c ? keyLocationOf(c, "id") : undefined,
        needs: "needs" in c ? keyLocationOf(c, "needs") : undefined,
        source,
      });
      return def;
    }),
  }));
  return {
    file,
    lab: String(raw.lab),
    title: raw.title ?? `Lab ${raw.lab}`,
    roles,
    vars: raw.vars ?? {},
    tasks,
  };
}

/** An error about check `c`, at its `key:` (else the check) with that line under it. */
function checkError(c: CheckDef, key: "id" | "needs", message: string, hint?: string): InfraError {
  const places = keyPlaces.get(c);
  const location = places?.[key] ?? c.location;
  return new InfraError(message, {
    location,
    hint,
    excerpt: location ? lineAt(places?.source, location) : undefined,
    exitCode: CANNOT_RUN,
  });
}

const place = (c: CheckDef) => `${c.location?.file}:${c.location?.line}`;

/**
 * Several definition files as one run: check ids must be unique, `needs` must name existing checks, and no check
 * may need itself through others (none of them would ever run).
 */
export function loadDefinitions(files: string[]): Definition[] {
  const defs = files.map(loadDefinition);
  const seen = new Map<string, CheckDef>();
  for (const c of defs.flatMap((d) => d.tasks.flatMap((t) => t.checks))) {
    const other = seen.get(c.id);
    if (other)
      throw checkError(c, "id", `check id "${c.id}" is used twice`, `The other one is at ${place(other)}.`);
    seen.set(c.id, c);
  }
  const needed = (c: CheckDef) => c.needs.map((x) => x.split(":")[0]!);
  for (const c of seen.values())
    for (const n of needed(c))
      if (!seen.has(n)) {
        const near = nearestNames(n, seen.keys());
        throw checkError(
          c,
          "needs",
          `check "${c.id}" needs "${n}", which no definition declares`,
          near.length ? `Did you mean "${near[0]}"?` : "needs names the id: of another check.",
        );
      }
  // Depth-first search for a cycle; `path` is the chain of needs being followed.
  const done = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (done.has(id)) return;
    const at = path.indexOf(id);
    if (at >= 0) {
      const cycle = [...path.slice(at), id];
      const first = seen.get(cycle[0]!)!;
      throw checkError(
        first,
        "needs",
        cycle.length === 2
          ? `check "${id}" needs itself, so it would never run`
          : `checks ${cycle.map((x) => `"${x}"`).join(" → ")} need each other, so none of them would ever run`,
        cycle.length === 2
          ? `Take "${id}" out of its own needs.`
          : `Remove one of these needs: ${cycle
              .slice(0, -1)
              .map((x) => `${x} at ${place(seen.get(x)!)}`)
              .join(", ")}.`,
      );
    }
    for (const n of needed(seen.get(id)!)) visit(n, [...path, id]);
    done.add(id);
  };
  for (const id of seen.keys()) visit(id, []);
  return defs;
}
