/**
 * `doc_drill`: the student's restore document, followed to the letter on the service's host — each command of the
 * service's section as the user the text names, twice, each round verified like `restore_drill`. The drill itself
 * lives with the documents (src/docs/drill-check.ts); this file is its contract with `infra check`.
 */
import { runDocDrill, type DocDrillSpec } from "../docs/drill-check.js";
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
      service: { enum: ["mysql", "influxdb"] },
      section: { type: "string", minLength: 1 },
      target: {
        type: "string",
        pattern: "^([a-z+]+://|\\{\\{)",
        description: "a duplicity URL such as rsync://backup@backup/mysql or {{ backup_url_base }}/mysql",
      },
      database: {
        type: "string",
        pattern: "^[A-Za-z0-9_]+$",
        description: "a database name of letters, digits and _",
      },
      // Scratch names only: the verification drops this database, so it must not be a real one.
      scratch_database: {
        type: "string",
        pattern: "^[A-Za-z0-9_]+_drill$",
        description:
          "a scratch database name ending in _drill: the drill drops and recreates it, so it must never be a real one",
      },
      rounds: { type: "integer", minimum: 1, maximum: 5 },
      timeout: { type: "number", exclusiveMinimum: 0 },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) =>
    `follow ${s.document ?? "backup_restore.md"} to restore ${s.service}, ${s.rounds ?? 2} times`,
  run: (spec, conn, ctx) => runDocDrill(spec, conn, ctx),
};
