import { describe, expect, it } from "vitest";
import { documentSection, hostIn, switchesTo, userIn } from "../../../src/docs/doc-commands.js";
import { matcher } from "../../../src/checks/lib/probe-output.js";

const mysql = matcher("/mysql|mariadb/i");

describe("commands of a document section", () => {
  it("takes fenced shell blocks and indented blocks of the matching section, with their lines and users", () => {
    const doc = [
      "# Restore", //                                            1
      "",
      "    ansible-playbook infra.yaml", //                      3 (not in the section)
      "",
      "## MySQL", //                                             5
      "",
      "Download, on **mysql-1**, as user `backup`:",
      "",
      "    rm -rf /home/backup/restore/mysql", //                9
      "    duplicity restore rsync://u@b/mysql /home/backup/restore/mysql",
      "",
      "Then as root (not `backup`):",
      "",
      "```sh",
      "# a comment",
      "mysql agama < /home/backup/restore/mysql/agama.sql", //   16
      "```",
      "",
      "```text",
      "Expected output, not a command",
      "```",
      "",
      "## InfluxDB",
      "",
      "    influxd restore -portable /x",
    ].join("\n");
    const s = documentSection(doc, mysql)!;
    expect(s.heading).toBe("MySQL");
    expect(s.line).toBe(5);
    expect(s.steps).toEqual([
      { command: "rm -rf /home/backup/restore/mysql", line: 9, user: "backup", host: "mysql-1" },
      {
        command: "duplicity restore rsync://u@b/mysql /home/backup/restore/mysql",
        line: 10,
        user: "backup",
        host: "mysql-1",
      },
      {
        command: "mysql agama < /home/backup/restore/mysql/agama.sql",
        line: 16,
        user: "root",
        host: "mysql-1",
      },
    ]);
  });

  it("keeps subsections, drops console output and prompts, joins continuations and here-documents", () => {
    const doc = [
      "## Restore MariaDB",
      "### Download",
      "```console",
      "$ sudo -u backup duplicity restore \\",
      "    rsync://u@b/mysql /r",
      "Last full backup date: none",
      "```",
      "### Load",
      "```bash",
      "cat > /tmp/x.sql <<'EOF'",
      "SELECT 1;",
      "EOF",
      "$ mysql < /tmp/x.sql",
      "```",
    ].join("\n");
    expect(documentSection(doc, mysql)!.steps.map((s) => s.command)).toEqual([
      "sudo -u backup duplicity restore rsync://u@b/mysql /r",
      "cat > /tmp/x.sql <<'EOF'\nSELECT 1;\nEOF",
      "mysql < /tmp/x.sql",
    ]);
  });

  it("follows sudo -i / su - user / exit and ssh lines; control-machine commands are set apart", () => {
    const doc = [
      "## MySQL",
      "",
      "```sh",
      "ssh db.example.org",
      "sudo su - backup",
      "duplicity restore rsync://u@b/mysql /r",
      "exit",
      "mysql agama < /r/agama.sql",
      "ansible-playbook infra.yaml",
      "```",
    ].join("\n");
    const s = documentSection(doc, mysql)!;
    expect(s.steps.map((x) => [x.command, x.user, x.host])).toEqual([
      ["duplicity restore rsync://u@b/mysql /r", "backup", "db.example.org"],
      ["mysql agama < /r/agama.sql", "root", "db.example.org"],
    ]);
    expect(s.control.map((x) => x.command)).toEqual(["ansible-playbook infra.yaml"]);
  });

  it("has no section when no heading matches, and ignores headings inside code", () => {
    expect(documentSection("# Backups\n\n```\n# MySQL\nls\n```\n", mysql)).toBeUndefined();
  });

  it("reads users and hosts from prose only when the text clearly names them", () => {
    expect(userIn("Run as root")).toBe("root");
    expect(userIn("as user backup:")).toBe("backup");
    expect(userIn("as **backup**, then as root (not `backup`)")).toBe("root");
    expect(userIn("as soon as it is done")).toBeUndefined();
    expect(hostIn("On **mysql-1**, as root")).toBe("mysql-1");
    expect(hostIn("on the managed host")).toBeUndefined();
    expect(switchesTo("sudo -i")).toBe("root");
    expect(switchesTo("sudo su - backup")).toBe("backup");
    expect(switchesTo("sudo -iu backup")).toBe("backup");
    expect(switchesTo("sudo -u backup duplicity restore x y")).toBeUndefined();
  });
});
