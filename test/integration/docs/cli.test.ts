/**
 * `infra docs` as a user runs it, on a copy of the repository's reference setup (no hosts needed: the documents
 * come from the files): write, `--check` passes, a schedule change makes `--check` fail with a diff until the
 * document is rendered again; `docs sla`; options that make no sense fail with exit code 5.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../../src/util/exec.js";

const CLI = resolve("bin/infra.js");
let repo: string;

const infra = (...args: string[]) => run(process.execPath, [CLI, ...args], { cwd: repo });

const INVENTORY = `[db_servers]
mysql-1 ansible_host=127.0.0.1 ansible_port=1
[influxdb]
influx-1 ansible_host=127.0.0.1 ansible_port=2
[backup]
backup ansible_host=127.0.0.1 ansible_port=3
`;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "infra-docs-cli-"));
  for (const f of ["ansible.cfg", "vault_password", "group_vars", "roles"])
    cpSync(resolve(f), join(repo, f), { recursive: true });
  cpSync(resolve("playbooks/infra.yaml"), join(repo, "infra.yaml"));
  writeFileSync(join(repo, "hosts"), INVENTORY);
});

describe("infra docs", () => {
  it("writes backup_restore.md, --check passes, a schedule change fails --check with a diff until re-rendered", async () => {
    const wrote = await infra("docs", "-i", "hosts");
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(wrote.stdout).toBe("wrote backup_restore.md\n");
    const doc = readFileSync(join(repo, "backup_restore.md"), "utf8");
    expect(doc).toContain("ansible-playbook infra.yaml");
    expect(doc).toContain("| MySQL | dump | `0 23 * * *` | At 23:00 | At 01:00 (02:00 in summer) |");

    const fresh = await infra("docs", "-i", "hosts", "--check");
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(fresh.stdout).toBe("backup_restore.md is up to date\n");

    const vars = join(repo, "group_vars/all.yaml");
    writeFileSync(
      vars,
      readFileSync(vars, "utf8").replace(
        'mysql_backup_dump_schedule: "0 23 * * *"',
        'mysql_backup_dump_schedule: "10 22 * * *"',
      ),
    );
    const stale = await infra("docs", "-i", "hosts", "--check");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("--- backup_restore.md (committed)");
    expect(stale.stdout).toContain(
      "-| MySQL | dump | `0 23 * * *` | At 23:00 | At 01:00 (02:00 in summer) |",
    );
    expect(stale.stdout).toContain(
      "+| MySQL | dump | `10 22 * * *` | At 22:10 | At 00:10 (01:10 in summer) |",
    );
    expect(stale.stderr).toMatch(/out of date; run `infra docs`/);
    expect(readFileSync(join(repo, "backup_restore.md"), "utf8")).toBe(doc);

    expect((await infra("docs", "-i", "hosts")).code).toBe(0);
    const again = await infra("docs", "-i", "hosts", "--check");
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it("--check of a document that does not exist fails and says how to write it", async () => {
    const r = await infra("docs", "-i", "hosts", "--check", "--out", "nowhere.md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nowhere.md does not exist; run `infra docs` to write it");
  });

  it("docs sla renders the lab 9 skeleton from the schedules and retention settings", async () => {
    const r = await infra("docs", "sla", "-i", "hosts", "--out", "-");
    expect(r.code, r.stderr).toBe(0);
    for (const heading of [
      "Coverage",
      "Recovery point objective (RPO)",
      "Versioning and retention",
      "Usability checks",
      "Restoration criteria",
      "Recovery time objective (RTO)",
    ])
      expect(r.stdout).toContain(`## ${heading}`);
    expect(r.stdout).toContain("- InfluxDB: RPO **24 h 25 min**.");
    expect(r.stdout).toContain("Nothing is removed");
  });

  it("quotes RPO and RTO from backup_sla.md into the restore document", async () => {
    writeFileSync(
      join(repo, "backup_sla.md"),
      "# SLA\n\n## RPO\n\nAt most one day of data is lost.\n\n## RTO\n\nServices are back within 2 hours.\n",
    );
    const r = await infra("docs", "-i", "hosts", "--out", "-");
    expect(r.stdout).toContain(
      "From `backup_sla.md`:\n\n> At most one day of data is lost.\n>\n> Services are back within 2 hours.\n",
    );
  });

  it("a bad zone or document name is an option error (exit 5)", async () => {
    const zone = await infra("docs", "-i", "hosts", "--zone", "Mars/Olympus", "--out", "-");
    expect(zone.code).toBe(5);
    expect(zone.stderr).toContain('unknown time zone "Mars/Olympus"');
    const doc = await infra("docs", "manual", "-i", "hosts");
    expect(doc.code).toBe(5);
    expect(doc.stderr).toContain('unknown document "manual"');
  });
});
