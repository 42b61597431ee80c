/**
 * The definition fields both restore drills share (the grader's drill and the document's drill): which service,
 * where its backups are, which database, and the scratch database the drill may drop.
 */
export const DRILL_PROPERTIES = {
  service: { enum: ["mysql", "influxdb"] },
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
  // Scratch names only: the drill drops and recreates this database, so it must not be a real one.
  scratch_database: {
    type: "string",
    pattern: "^[A-Za-z0-9_]+_drill$",
    description:
      "a scratch database name ending in _drill: the drill drops and recreates it, so it must never be a real one",
  },
} as const;
