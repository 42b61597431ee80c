/**
 * The same course-shaped repository applied by `infra` to the test lab and by Debian's `ansible-playbook` to a twin
 * lab: the managed files must end up the same (type, mode, owner, group, content — addresses normalised).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { lab, sshRunIn } from "../lab-helpers.js";
import { ansiblePlaybook, courseRepo, infra, recap } from "./course-helpers.js";
import { normalizeAddresses, snapshot } from "./snapshot.js";

const TWIN = "twin";
const HOSTS = ["mysql-1", "influx-1", "backup"];
const MANAGED = ["/etc/infra-fixture", "/srv/infra-report"];

describe("differential: infra apply vs ansible-playbook", () => {
  beforeAll(async () => {
    await labUp({ lab: TWIN });
    for (const l of [lab().name, TWIN]) {
      for (const h of HOSTS) await sshRunIn(l, h, `sudo rm -rf ${MANAGED.join(" ")}`);
      await sshRunIn(l, "mysql-1", `sudo mysql -e "DROP USER IF EXISTS 'fixture_backup'@'localhost'"`);
    }
  }, 600_000);

  it("reaches the same host state and the same recap", async () => {
    const ours = await infra(courseRepo(lab().inventory), ["apply", "infra.yaml"]);
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    const theirs = await ansiblePlaybook(courseRepo(paths(labHome(TWIN)).inventory), ["infra.yaml"]);
    expect(theirs.code, theirs.stdout + theirs.stderr).toBe(0);

    for (const h of HOSTS) {
      const a = await normalizeAddresses(lab().name, HOSTS, await snapshot(lab().name, h, MANAGED));
      const b = await normalizeAddresses(TWIN, HOSTS, await snapshot(TWIN, h, MANAGED));
      expect(a, `state of ${h}`).toBe(b);
      expect(a.length).toBeGreaterThan(0);
    }
    expect(recap(ours.stdout)).toEqual(recap(theirs.stdout));
    const grants = (l: string) =>
      sshRunIn(l, "mysql-1", `sudo mysql -N -e "SHOW GRANTS FOR 'fixture_backup'@'localhost'"`);
    const [mine, twin] = [await grants(lab().name), await grants(TWIN)];
    expect(mine.stdout).toContain("GRANT SELECT, LOCK TABLES ON `agama`.* TO `fixture_backup`@`localhost`");
    expect(mine.stdout).toBe(twin.stdout);
  });
});
