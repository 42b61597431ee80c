/**
 * Which hosts a lab has: the three of the course (a MySQL server, an InfluxDB server, the backup server) and, for
 * scale tests, plain hosts. Groups mirror what course inventories call them.
 */
export interface HostSpec {
  name: string;
  /** Init scripts started at boot, in order (`service NAME start`). */
  services: string[];
  groups: string[];
}

export const COURSE_HOSTS: HostSpec[] = [
  { name: "mysql-1", services: ["ssh", "cron", "mariadb"], groups: ["db_servers"] },
  { name: "influx-1", services: ["ssh", "cron", "influxdb"], groups: ["influxdb"] },
  { name: "backup", services: ["ssh", "cron"], groups: ["backup"] },
];

/** Groups made only of other groups, as course inventories write `[mysql:children]`. */
export const GROUP_CHILDREN: Record<string, string[]> = { mysql: ["db_servers"] };

export function hostSpecs(count: number): HostSpec[] {
  const specs = COURSE_HOSTS.slice(0, Math.min(count, COURSE_HOSTS.length));
  const width = String(count).length < 2 ? 2 : String(count).length;
  for (let i = COURSE_HOSTS.length + 1; i <= count; i++) {
    specs.push({
      name: `node-${String(i).padStart(width, "0")}`,
      services: ["ssh", "cron"],
      groups: ["nodes"],
    });
  }
  return specs;
}
