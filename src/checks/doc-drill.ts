/**
 * `doc_drill`: the student's restore document, followed to the letter on the service's host — each command of the
 * service's section as the user the text names, twice, each round verified like `restore_drill`. The drill itself
 * lives with the documents (src/docs/drill-check.ts); this file is its contract with `infra check`.
 */
import { runDocDrill, type DocDrillSpec } from "../docs/drill-check.js";
import { DRILL_PROPERTIES } from "./lib/drill-schema.js";
import type { ActiveCheck } from "./types.js";

export const docDrillCheck: ActiveCheck<DocDrillSpec> = {
  kind: "active",
  name: "doc_drill",
  schema: {
    type: "object",
    required: ["service", "target", "database"],
    additionalProperties: false,
    properties: {
      document: { type: "string", minLength: 1 },
      ...DRILL_PROPERTIES,
      section: { type: "string", minLength: 1 },
      rounds: { type: "integer", minimum: 1, maximum: 5 },
      timeout: { type: "number", exclusiveMinimum: 0 },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) =>
    `follow ${s.document ?? "backup_restore.md"} to restore ${s.service}, ${s.rounds ?? 2} times`,
  run: (spec, conn, ctx) => runDocDrill(spec, conn, ctx),
};
