/**
 * Check definitions: YAML files (checks/lab09.yaml, lab10.yaml, or an instructor's own with --checks) that list
 * a lab's tasks with points, each a list of checks. Validated with ajv — the envelope first, then each check's
 * spec against its type's schema — and every problem is reported at the file:line:column where it was written.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject } from "ajv";
import { InfraError, type SourceLocation } from "../util/errors.js";
import { keyLocationOf, locationOf, readYamlFile } from "../util/yaml.js";
import { CHECK_TYPES } from "./registry.js";
import type { CheckDef, Definition, RoleDef, TaskDef } from "./types.js";

/** Exit code when grading cannot run at all (bad definitions, unreachable host). */
export const CANNOT_RUN = 2;

export const BUILTIN_DIR = fileURLToPath(new URL("../../checks/", import.meta.url));

export function builtinDefinition(lab: string): string {
  const file = `${BUILTIN_DIR}lab${lab.padStart(2, "0")}.yaml`;
  if (!existsSync(file))
    throw new InfraError(`there are no built-in checks for lab ${lab}`, { hint: `Built-in labs: 09, 10 (in ${BUILTIN_DIR}); or pass --checks FILE.`, exitCode: CANNOT_RUN });
  return file;
}

const ajv = new Ajv({ allErrors: true, strict: false });

const ID = { type: "string", pattern: "^[A-Za-z0-9_.-]+$" };

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
                needs: { type: "array", items: { type: "string", pattern: "^[A-Za-z0-9_.-]+(:[a-z_]+)?$" } },
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

/** The value at a JSON pointer and where it (or its key) was written. */
function locate(root: unknown, pointer: string, file: string): SourceLocation {
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = root;
  let loc = locationOf(root);
  for (const key of parts) {
    if (node === null || typeof node !== "object") break;
    loc = (Array.isArray(node) ? locationOf((node as unknown[])[Number(key)]) : keyLocationOf(node, key)) ?? loc;
    node = (node as Record<string, unknown>)[key];
  }
  return loc ?? { file };
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "the file";
  if (e.keyword === "additionalProperties") return `${where}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === "enum") return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
  return `${where} ${e.message ?? "is invalid"}`;
}

function invalid(file: string, root: unknown, pointer: string, message: string, hint?: string): InfraError {
  return new InfraError(message, { location: locate(root, pointer, file), hint, exitCode: CANNOT_RUN });
}

function firstError(file: string, root: unknown, errors: ErrorObject[], base = ""): InfraError {
  // The deepest error says the most; ajv lists parents' errors too.
  const e = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0]!;
  const pointer = base + e.instancePath + (e.keyword === "additionalProperties" ? `/${(e.params as { additionalProperty: string }).additionalProperty}` : "");
  return invalid(file, root, pointer, `invalid check definition: ${describeError({ ...e, instancePath: base + e.instancePath })}`);
}

/** Reads and validates one definition file. */
export function loadDefinition(file: string): Definition {
  if (!existsSync(file)) throw new InfraError(`check definitions ${file} not found`, { exitCode: CANNOT_RUN });
  const doc = readYamlFile(file).documents[0];
  if (!validateEnvelope(doc)) throw firstError(file, doc, validateEnvelope.errors ?? []);
  const raw = doc as {
    lab: string | number;
    title?: string;
    vars?: Record<string, string>;
    roles?: Record<string, RoleDef>;
    tasks: { id: string; title: string; points: number; checks: Record<string, unknown>[] }[];
  };
  const roles = raw.roles ?? {};
  const tasks: TaskDef[] = raw.tasks.map((t, ti) => ({
    id: t.id,
    title: t.title,
    points: t.points,
    checks: t.checks.map((c, ci): CheckDef => {
      const pointer = `/tasks/${ti}/checks/${ci}`;
      const types = Object.keys(c).filter((k) => k in CHECK_TYPES);
      if (types.length !== 1)
        throw invalid(file, doc, pointer, `invalid check definition: a check names exactly one type, found ${types.length ? types.join(", ") : "none"}`,
          `Types: ${Object.keys(CHECK_TYPES).join(", ")}.`);
      const type = types[0]!;
      const validate = validators.get(type)!;
      if (!validate(c[type])) throw firstError(file, doc, validate.errors ?? [], `${pointer}/${type}`);
      const on = c.hosts as string | undefined;
      if (type !== "repo" && !on) throw invalid(file, doc, pointer, `invalid check definition: a ${type} check needs "hosts:" (a role: ${Object.keys(roles).join(", ") || "none defined"})`);
      if (on && !roles[on]) throw invalid(file, doc, `${pointer}/hosts`, `invalid check definition: unknown role "${on}"`, `Roles of this file: ${Object.keys(roles).join(", ") || "none"}.`);
      return {
        id: (c.id as string | undefined) ?? `${t.id}.${ci + 1}`,
        type,
        on,
        name: c.name as string | undefined,
        needs: (c.needs as string[] | undefined) ?? [],
        spec: c[type] as Record<string, unknown>,
        location: locationOf(c),
      };
    }),
  }));
  return { file, lab: String(raw.lab), title: raw.title ?? `Lab ${raw.lab}`, roles, vars: raw.vars ?? {}, tasks };
}

/** Several definition files as one run: check ids must be unique and `needs` must name existing checks. */
export function loadDefinitions(files: string[]): Definition[] {
  const defs = files.map(loadDefinition);
  const seen = new Map<string, CheckDef>();
  for (const c of defs.flatMap((d) => d.tasks.flatMap((t) => t.checks))) {
    if (seen.has(c.id))
      throw new InfraError(`check id "${c.id}" is used twice`, { location: c.location, hint: `The other one is at ${seen.get(c.id)!.location?.file}:${seen.get(c.id)!.location?.line}.`, exitCode: CANNOT_RUN });
    seen.set(c.id, c);
  }
  for (const c of seen.values())
    for (const n of c.needs.map((x) => x.split(":")[0]!))
      if (!seen.has(n)) throw new InfraError(`check "${c.id}" needs "${n}", which no definition declares`, { location: c.location, exitCode: CANNOT_RUN });
  return defs;
}
