import { describe, expect, it } from "vitest";
import { formatListing, listTasks } from "../../../src/playbook/index.js";
import { ansiblePlaybook, hasAnsible, load, normalisePlayTags } from "./helpers.js";

function ours(
  file: string,
  opts: { tags?: string[]; skipTags?: string[]; listTags?: boolean; listTasks?: boolean },
) {
  const listed = listTasks(load(file), { tags: opts.tags, skipTags: opts.skipTags });
  return formatListing(listed, {
    playbookPath: file,
    listTasks: opts.listTasks ?? true,
    listTags: opts.listTags ?? true,
  });
}

describe("listTasks data", () => {
  it("lists role tasks prefixed, dependencies first, in execution order", () => {
    const [play] = listTasks(load("site.yml"));
    const names = play?.tasks.map((t) => t.name) ?? [];
    expect(names.slice(0, 6)).toEqual([
      "Before everything",
      "common : Common role task",
      "common : Common role task",
      "community.mysql.mysql_user",
      "db : Create influx db",
      "web : Install web",
    ]);
    expect(play?.name).toBe("Web servers");
    expect(play?.hosts).toEqual(["web", "db"]);
    expect(play?.tasks[2]?.tags).toEqual(["commontag", "dbdep", "site"]);
  });

  it("filters by tags with never/always semantics", () => {
    const [play] = listTasks(load("site.yml"), { tags: ["debug"] });
    expect(play?.tasks.map((t) => t.name)).toEqual(["Never by default", "community.mysql.mysql_user"]);
  });
});

describe.skipIf(!hasAnsible)("listing matches ansible-playbook 2.14", () => {
  const cases: Array<
    [string, string[], { tags?: string[]; skipTags?: string[]; listTags?: boolean; listTasks?: boolean }]
  > = [
    ["site.yml", [], {}],
    ["site.yml", ["--tags", "debug"], { tags: ["debug"] }],
    ["site.yml", ["--tags", "tagged"], { tags: ["tagged"] }],
    ["site.yml", ["--tags", "untagged"], { tags: ["untagged"] }],
    ["site.yml", ["--skip-tags", "site"], { skipTags: ["site"] }],
    ["site.yml", ["--skip-tags", "always,dbdep"], { skipTags: ["always", "dbdep"] }],
    [
      "site.yml",
      ["--tags", "viaimport,inner", "--skip-tags", "imported"],
      { tags: ["viaimport", "inner"], skipTags: ["imported"] },
    ],
    ["site.yml", ["--tags", "never"], { tags: ["never"], listTags: false }],
    ["site.yml", ["--skip-tags", "all"], { skipTags: ["all"], listTasks: false }],
    ["spec.yml", [], {}],
    ["forms.yml", [], {}],
    ["dynamic.yml", [], {}],
  ];
  for (const [file, args, opts] of cases) {
    it(`${file} ${args.join(" ")}`, () => {
      const flags = [
        ...(opts.listTasks === false ? [] : ["--list-tasks"]),
        ...(opts.listTags === false ? [] : ["--list-tags"]),
      ];
      const theirs = ansiblePlaybook([...flags, ...args, file]);
      expect(normalisePlayTags(ours(file, opts))).toBe(normalisePlayTags(theirs));
    });
  }
});
