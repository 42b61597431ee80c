/**
 * The services `infra docs` documents, one entry each: the role that backs the service up (its presence in a play
 * says which hosts hold the service), the prefix of the role's variables, the partial in docs/partials/ that
 * explains its restore, and how the drill recognises its section in a document. A later service is one more entry
 * here and one more partial.
 */
export interface ServiceDef {
  /** Short name: partial file, restore directory and drill key (`mysql`). */
  id: string;
  /** As people write it (`MySQL`). */
  title: string;
  /** The role whose plays put the service's backup on a host. */
  role: string;
  /** Prefix of the role's variables: `<prefix>database`, `<prefix>dir`, `<prefix>target`. */
  prefix: string;
  /** Heading pattern of the service's section in a restore document (a `/regex/flags` as check definitions write). */
  heading: string;
  /** What the database is made of, and of what those are made, for sentences about completeness. */
  parts: string;
  records: string;
}

export const SERVICES: ServiceDef[] = [
  {
    id: "mysql",
    title: "MySQL",
    role: "mysql_backup",
    prefix: "mysql_backup_",
    heading: "/mysql|mariadb/i",
    parts: "table",
    records: "rows",
  },
  {
    id: "influxdb",
    title: "InfluxDB",
    role: "influxdb_backup",
    prefix: "influxdb_backup_",
    heading: "/influx/i",
    parts: "measurement",
    records: "points",
  },
];

export function serviceById(id: string): ServiceDef | undefined {
  return SERVICES.find((s) => s.id === id);
}
