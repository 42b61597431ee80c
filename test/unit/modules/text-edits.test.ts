/**
 * The pure parts of lineinfile, blockinfile and cron, case by case along the branches of Ansible 2.14's code
 * (present()/absent(), blockinfile's main, CronTab), and the Python-regex translation against Python's `re`
 * semantics (`$` before a final newline, named groups, \Z). The integration tests compare whole runs with ansible.
 */
import { describe, expect, it } from "vitest";
import { blockText, type BlockinfileArgs } from "../../../src/modules/blockinfile.js";
import { CronTab, editCron, type CronArgs } from "../../../src/modules/cron.js";
import { absentLines, presentLines, type LineinfileArgs } from "../../../src/modules/lineinfile.js";
import { expandTemplate, pyRegex } from "../../../src/modules/util/py-regex.js";
import { readLines } from "../../../src/modules/util/text-edit.js";

const li = (o: Partial<LineinfileArgs>): LineinfileArgs =>
  ({
    path: "/x",
    state: "present",
    backrefs: false,
    create: false,
    firstmatch: false,
    backup: false,
    ...o,
  }) as LineinfileArgs;

describe("pyRegex", () => {
  it("keeps Python's $ (end or before a final newline) for lines read with their newline", () => {
    expect(pyRegex("^a$").re.test("a\n")).toBe(true);
    expect(pyRegex("^a$").re.test("a\nb")).toBe(false);
    expect(pyRegex("^$").re.test("x\n")).toBe(false);
    expect(pyRegex("[$]").re.test("$")).toBe(true);
    expect(pyRegex("a\\Z").re.test("a\n")).toBe(false);
    expect(pyRegex("(?i)^port").re.test("PORT 1")).toBe(true);
    expect(pyRegex("(?m)^b$").multiline).toBe(true);
  });

  it("expands \\1, \\g<name> and escapes as match.expand", () => {
    const m = pyRegex("^(?P<k>\\w+)=(\\d+)$").re.exec("port=80\n")!;
    expect(expandTemplate("\\g<k>: \\2\\t\\g<2>", m)).toBe("port: 80\t80");
    expect(() => expandTemplate("\\3", m)).toThrow("invalid group reference 3");
  });
});

describe("lineinfile edits", () => {
  const text = readLines("# c\nPort 22\n#Root yes\n");
  it("replaces the last match, or the first with firstmatch", () => {
    const two = readLines("a=1\nb\na=2\n");
    expect(presentLines(two, li({ regexp: "^a=", line: "a=9" })).lines.join("")).toBe("a=1\nb\na=9\n");
    expect(presentLines(two, li({ regexp: "^a=", line: "a=9", firstmatch: true })).lines.join("")).toBe(
      "a=9\nb\na=2\n",
    );
  });
  it("inserts after the last insertafter match, before the first with firstmatch", () => {
    const r = presentLines(text, li({ line: "X", insertafter: "^Port" }));
    expect(r).toMatchObject({ changed: true, msg: "line added" });
    expect(r.lines.join("")).toBe("# c\nPort 22\nX\n#Root yes\n");
    expect(presentLines(text, li({ line: "X", insertbefore: "^#" })).lines.join("")).toBe(
      "# c\nPort 22\nX\n#Root yes\n",
    );
    expect(presentLines(text, li({ line: "X", insertbefore: "^#", firstmatch: true })).lines.join("")).toBe(
      "X\n# c\nPort 22\n#Root yes\n",
    );
  });
  it("leaves an existing line alone and adds a newline to an unterminated last line", () => {
    expect(presentLines(text, li({ line: "Port 22" }))).toMatchObject({ changed: false, msg: "" });
    expect(presentLines(readLines("a"), li({ line: "b" })).lines.join("")).toBe("a\nb\n");
  });
  it("backrefs without a match changes nothing", () => {
    expect(presentLines(text, li({ regexp: "^Nope (\\d+)", line: "\\1", backrefs: true })).changed).toBe(
      false,
    );
  });
  it("removes every matching line and counts them", () => {
    expect(absentLines(text, li({ state: "absent", regexp: "^#" }))).toMatchObject({
      changed: true,
      found: 2,
      msg: "2 line(s) removed",
    });
  });
});

const bi = (o: Partial<BlockinfileArgs>): BlockinfileArgs =>
  ({
    path: "/x",
    state: "present",
    marker: "# {mark} ANSIBLE MANAGED BLOCK",
    block: "",
    create: false,
    backup: false,
    marker_begin: "BEGIN",
    marker_end: "END",
    ...o,
  }) as BlockinfileArgs;

describe("blockinfile text", () => {
  const M = (b: string) => `# BEGIN ANSIBLE MANAGED BLOCK\n${b}# END ANSIBLE MANAGED BLOCK\n`;
  it("appends, replaces in place, removes", () => {
    expect(blockText("a\n", bi({ block: "x" }))).toBe(`a\n${M("x\n")}`);
    expect(blockText(`a\n${M("old\n")}z\n`, bi({ block: "new\nlines" }))).toBe(`a\n${M("new\nlines\n")}z\n`);
    expect(blockText(`a\n${M("old\n")}z\n`, bi({ state: "absent" }))).toBe("a\nz\n");
    expect(blockText(null, bi({ block: "x" }))).toBe(M("x\n"));
  });
  it("inserts after the last line an insertafter regex matches, or before with insertbefore", () => {
    expect(blockText("p\nq\np\n", bi({ block: "x", insertafter: "^p" }))).toBe(`p\nq\np\n${M("x\n")}`);
    expect(blockText("p\nq\n", bi({ block: "x", insertbefore: "^q" }))).toBe(`p\n${M("x\n")}q\n`);
    expect(blockText("p\nq\n", bi({ block: "x", insertbefore: "BOF" }))).toBe(`${M("x\n")}p\nq\n`);
  });
});

const ca = (o: Partial<CronArgs>): CronArgs =>
  ({
    name: "n",
    state: "present",
    backup: false,
    minute: "*",
    hour: "*",
    day: "*",
    month: "*",
    weekday: "*",
    disabled: false,
    env: false,
    ...o,
  }) as CronArgs;

describe("CronTab", () => {
  it("renders a job under its marker, with the user field in cron files", () => {
    const tab = new CronTab(null, null);
    expect(editCron(tab, ca({ name: "b", minute: "0", hour: "2", job: "run" }), () => {}).changed).toBe(true);
    expect(tab.render()).toBe("#Ansible: b\n0 2 * * * run\n");
    const file = new CronTab("root", "/etc/cron.d/x");
    editCron(file, ca({ name: "g", special_time: "daily", job: "go", user: "root" }), () => {});
    expect(file.render()).toBe("#Ansible: g\n@daily root go\n");
  });
  it("updates in place, adopts an unmarked identical entry, removes", () => {
    const tab = new CronTab(null, null).loadCrontab("#Ansible: b\n0 2 * * * run\nMAILTO=x\n");
    editCron(tab, ca({ name: "b", hour: "3", minute: "0", job: "run" }), () => {});
    expect(tab.render()).toBe("#Ansible: b\n0 3 * * * run\nMAILTO=x\n");
    const bare = new CronTab(null, null).loadCrontab("* * * * * x\n");
    expect(editCron(bare, ca({ name: "x", job: "x" }), () => {}).changed).toBe(true);
    expect(bare.render()).toBe("#Ansible: x\n* * * * * x\n");
    editCron(tab, ca({ name: "b", state: "absent" }), () => {});
    expect(tab.render()).toBe("MAILTO=x\n");
  });
  it("places env variables first, or after/before another", () => {
    const tab = new CronTab(null, null).loadCrontab("A=1\n#Ansible: j\n* * * * * j\n");
    editCron(tab, ca({ name: "B", env: true, job: "2", insertafter: "A" }), () => {});
    editCron(tab, ca({ name: "C", env: true, job: "3" }), () => {});
    expect(tab.render()).toBe('C="3"\nA=1\nB="2"\n#Ansible: j\n* * * * * j\n');
    expect(() => editCron(tab, ca({ name: "D", env: true, job: "4", insertbefore: "Z" }), () => {})).toThrow(
      "Variable named 'Z' not found.",
    );
  });
  it("a crontab without a final newline counts as a change", () => {
    const tab = new CronTab(null, null).loadCrontab("#Ansible: j\n* * * * * j");
    expect(editCron(tab, ca({ name: "j", job: "j" }), () => {}).changed).toBe(true);
  });
});
