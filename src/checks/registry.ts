/** Every check type by the name definitions use for it. */
import { commandCheck } from "./command.js";
import { cronCheck } from "./cron.js";
import { docDrillCheck } from "./doc-drill.js";
import { duplicityCheck } from "./duplicity.js";
import { fileCheck } from "./file.js";
import { groupCheck } from "./group.js";
import { influxCheck } from "./influx.js";
import { mysqlGrantsCheck } from "./mysql-grants.js";
import { repoCheck } from "./repo.js";
import { restoreDrillCheck } from "./restore-drill.js";
import { userCheck } from "./user.js";
import type { CheckType } from "./types.js";

export const CHECK_TYPES: Record<string, CheckType> = Object.fromEntries(
  [
    fileCheck,
    userCheck,
    groupCheck,
    commandCheck,
    cronCheck,
    mysqlGrantsCheck,
    influxCheck,
    duplicityCheck,
    restoreDrillCheck,
    docDrillCheck,
    repoCheck,
  ].map((t) => [t.name, t]),
);
