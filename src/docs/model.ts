/** What the restore and SLA documents are filled from: facts of the repository, nothing read from the hosts. */
import type { BackupJob } from "./cron-jobs.js";
import type { ScheduleWords } from "./schedule-words.js";
import type { SlaObjectives } from "./sla-source.js";

export interface JobDoc extends BackupJob {
  words: ScheduleWords;
  /** "1 h 40 min before the 01:00 UTC deadline", when the job runs at a fixed time. */
  margin?: string;
}

export interface ServiceDoc {
  id: string;
  title: string;
  parts: string;
  records: string;
  /** Inventory hosts the service's backup role runs on. */
  hosts: string[];
  /** The play's `hosts:` as written (a group, usually). */
  hostPattern: string;
  play: string;
  database: string;
  /** Where the dump job writes (what duplicity uploads). */
  dumpDir: string;
  /** Where the restore downloads to. */
  restoreDir: string;
  /** The duplicity URL on the backup server. */
  target: string;
  /** The local user that runs the dumps and uploads (and downloads for a restore). */
  user: string;
  /** duplicity options a restore needs: `--no-encryption`, or nothing when backups are encrypted. */
  restoreOptions: string;
  encrypted: boolean;
  gpgRecipient?: string;
  jobs: JobDoc[];
  cronFiles: string[];
  /** Worst-case data loss from the schedules, in words. */
  rpo?: string;
  retention: string[];
  /** For InfluxDB: whether a role of this repository manages Telegraf (else the doc says "if Telegraf runs"). */
  writerManaged: boolean;
}

export interface DocModel {
  /** The playbook as the reader should type it, relative to the repository. */
  playbook: string;
  /** The inventory ansible.cfg names (or -i), relative to the repository. */
  inventory: string;
  inventoryFromConfig: boolean;
  zone: string;
  deadline?: string;
  /** The job that starts closest before the deadline. */
  lastJob?: { service: string; kind: string; margin: string };
  backupServer: { host: string; user: string; hosts: string[] };
  services: ServiceDoc[];
  sla?: SlaObjectives;
  /** The restore time target (variable backup_rto), for the SLA skeleton. */
  rtoTarget: string;
  /** Versions kept, in words, over all services (for the SLA skeleton). */
  retention: string[];
  /** Hosts of the inventory and what the documents say they hold. */
  hosts: { name: string; groups: string[]; holds: string[] }[];
}
