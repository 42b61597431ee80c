import type { Command } from "commander";

export function registerLab(program: Command): void {
  program.command("lab").description("disposable local lab hosts (containers with OpenSSH, MariaDB, InfluxDB)");
}
