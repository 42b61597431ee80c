import { describe, expect, it } from "vitest";
import type { Block, Node, Play, Task } from "../../../src/playbook/index.js";
import {
  loadIncludedRole,
  loadIncludedTasks,
  loadPlaybook,
  playTasksInOrder,
} from "../../../src/playbook/index.js";
import { fixture, isModule, load } from "./helpers.js";

function tasksOf(nodes: Node[]): Task[] {
  return nodes.flatMap((n) =>
    n.kind === "task" ? [n] : [...tasksOf(n.block), ...tasksOf(n.rescue), ...tasksOf(n.always)],
  );
}

function byName(play: Play, name: string): Task {
  const t = tasksOf(playTasksInOrder(play)).find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name}`);
  return t;
}

describe("task forms", () => {
  const play = load("forms.yml").plays[0] as Play;

  it("parses k=v strings with quotes", () => {
    expect(byName(play, "k=v with quotes").args).toEqual({
      path: "/tmp/a",
      mode: "0644",
      owner: "root user",
    });
  });

  it("reads action:, local_action: and action dicts", () => {
    expect(byName(play, "old action form")).toMatchObject({ action: "copy", args: { src: "a", dest: "b" } });
    const local = byName(play, "local action");
    expect(local).toMatchObject({ action: "command", args: { _raw_params: "echo hi" } });
    expect(local.keywords.delegate_to).toBe("localhost");
    expect(byName(play, "action dict")).toMatchObject({
      action: "file",
      fqcn: "ansible.builtin.file",
      args: { path: "/x", state: "absent" },
    });
  });

  it("merges args: under the module's own and moves cmd to _raw_params", () => {
    expect(byName(play, "args merged").args).toEqual({ chdir: "/tmp", _raw_params: "ls -l" });
    expect(byName(play, "cmd moved").args).toEqual({ _raw_params: "echo cmd" });
  });

  it("records with_<lookup> loops and loop_control", () => {
    expect(byName(play, "nested loop")).toMatchObject({
      loopWith: "nested",
      loop: [
        ["a", "b"],
        [1, 2],
      ],
    });
    expect(byName(play, "dict loop")).toMatchObject({ loopWith: "dict", loop: "{{ users }}" });
    const lc = byName(play, "loop control");
    expect(lc.loopWith).toBeUndefined();
    expect(lc.loopControl).toMatchObject({
      loop_var: "thing",
      index_var: "idx",
      label: "{{ thing.name }}",
      pause: 2,
      extended: true,
    });
  });

  it("normalises FQCN module names and reads task keywords", () => {
    const t = byName(play, "fqcn");
    expect(t).toMatchObject({
      action: "influxdb_database",
      fqcn: "community.general.influxdb_database",
      register: "out",
      changed_when: [false],
      failed_when: ["out.rc != 0"],
      until: ["out is succeeded"],
      retries: 5,
      delay: 10,
    });
    expect(t.keywords).toMatchObject({
      delegate_to: "db1",
      run_once: true,
      notify: ["a", "b"],
      no_log: true,
    });
    expect(t.keywords.environment).toEqual([{ PATH: "/usr/bin" }]);
  });

  it("keeps free-form params only for modules that take them", () => {
    const tasks = tasksOf(playTasksInOrder(play));
    const script = tasks.find((t) => t.action === "script");
    expect(script?.args).toEqual({ _raw_params: "/tmp/s.sh --flag", creates: "/tmp/done" });
    expect(tasks.find((t) => t.action === "set_fact")?.args).toEqual({ a: "1", b: "two words" });
    expect(tasks.find((t) => t.action === "meta")?.args).toEqual({ _raw_params: "flush_handlers" });
  });

  it("remembers where each task and its arguments were written", () => {
    const t = byName(play, "k=v with quotes");
    expect(t.location).toEqual({ file: fixture("forms.yml"), line: 3, column: 7 });
    expect(t.argsLocation).toMatchObject({ line: 4, column: 7 });
  });
});

describe("roles and inheritance", () => {
  const pb = load("site.yml");
  const play = pb.plays[0] as Play;

  it("loads role files, merging a vars directory in sorted order", () => {
    const web = play.loadedRoles.find((r) => r.name === "web");
    expect(web?.path).toBe(fixture("roles", "web"));
    expect(web?.defaults).toEqual({ web_port: 80, web_user: "www-data" });
    expect(web?.vars).toEqual({ web_root: "/var/www", shared: "from-b" });
    expect(web?.filesDir).toBe(fixture("roles", "web", "files"));
    expect(web?.templatesDir).toBe(fixture("roles", "web", "templates"));
    expect(web?.dependencies.map((d) => d.name)).toEqual(["common", "db"]);
    expect(web?.dependencies[1]?.ref.params).toEqual({ db_name: "app" });
  });

  it("shares one Role per distinct parameters, as Ansible's role cache does", () => {
    const commons = play.loadedRoles.filter((r) => r.name === "common");
    // common (plain, used by web and db), common with flavour=second, common imported by import_role → db.
    expect(new Set(commons.map((r) => r.id)).size).toBe(commons.length);
    const web = play.loadedRoles.find((r) => r.name === "web");
    const db = web?.dependencies[1];
    expect(db?.dependencies[0]).toBe(web?.dependencies[0]);
    expect(play.roles[1]?.params).toEqual({ flavour: "second" });
  });

  it("compiles roles with the dependency chain and inherited keywords", () => {
    const occ = play.roleBlocks.map((b) => [
      b.roleOccurrence?.role.name,
      b.roleOccurrence?.depChain.map((r) => r.name),
    ]);
    expect(occ).toEqual([
      ["common", ["web"]],
      ["common", ["web", "db"]],
      ["db", ["web"]],
      ["web", []],
      ["common", []],
    ]);
    const commonUnderDb = tasksOf([play.roleBlocks[1] as Block])[0];
    expect(commonUnderDb?.effective.tags.sort()).toEqual(["commontag", "dbdep", "site"]);
    expect(commonUnderDb?.effective.become).toBe(true);
    expect(commonUnderDb?.role?.role.name).toBe("common");
  });

  it("lets a task override an inherited keyword and prepends parents' conditions", () => {
    const t = byName(play, "In a block");
    expect(t.effective).toMatchObject({
      become: true,
      become_user: "postgres",
      when: ["greeting is defined"],
    });
    const imported = byName(play, "Common imported task");
    expect(imported.effective.when).toEqual([true]);
    expect(imported.effective.tags.sort()).toEqual(["imported", "site"]);
  });

  it("expands import_tasks statically, resolving nested paths beside the importing file", () => {
    const inner = tasksOf(play.tasks).filter((t) => t.name === "Inner task");
    expect(inner).toHaveLength(1);
    expect(inner[0]?.location.file).toBe(fixture("tasks", "nested", "inner.yml"));
  });

  it("puts role handlers before the play's and keeps listen topics", () => {
    const names = tasksOf(play.handlers).map((h) => h.name);
    expect(names).toEqual(["restart mysql", "restart nginx", "restart app", "restart mysql"]);
    const app = tasksOf(play.handlers).find((h) => h.name === "restart app");
    expect(app?.listen).toEqual(["app changed"]);
    expect(app?.handler).toBe(true);
  });

  it("applies import_playbook tags to imported plays", () => {
    expect(pb.plays[1]?.keywords.tags).toEqual(["otherpb"]);
    expect(tasksOf(pb.plays[1]?.tasks ?? [])[0]?.effective.tags).toEqual(["otherpb", "o1", "o2"]);
    expect(pb.plays[1]?.file).toBe(fixture("other.yml"));
  });
});

describe("dynamic includes", () => {
  it("keeps include_tasks as a node and loads its file on demand with apply", () => {
    const play = load("dynamic.yml").plays[0] as Play;
    const inc = byName(play, "include with apply");
    expect(inc.dynamic?.kind).toBe("include_tasks");
    expect(inc.effective.tags.sort()).toEqual(["onlyinclude", "play"]);
    const blocks = loadIncludedTasks(inc, "tasks/nested/inner.yml");
    const [inner] = tasksOf(blocks);
    expect(inner?.name).toBe("Inner task");
    // The include's own tags/when do not reach the included tasks; apply's keywords and its vars do.
    expect(inner?.effective.tags.sort()).toEqual(["applied", "inner", "play"]);
    expect(inner?.effective.when).toEqual([]);
    expect(inner?.effective).toMatchObject({ become: true, become_user: "alice" });
    expect(inner?.effective.vars).toEqual({ which: "tasks/nested/inner" });
  });

  it("resolves include_tasks in a role against the role's tasks dir", () => {
    const play = load("site.yml").plays[0] as Play;
    const inc = tasksOf(play.roleBlocks).find((t) => t.name === "Web include") as Task;
    const [extra] = tasksOf(loadIncludedTasks(inc, "extra.yml"));
    expect(extra?.location.file).toBe(fixture("roles", "web", "tasks", "extra.yml"));
    expect(extra?.role?.role.name).toBe("web");
  });

  it("loads include_role at run time with tasks_from", () => {
    const play = load("spec.yml").plays[0] as Play;
    const inc = tasksOf(play.tasks).find((t) => t.action === "include_role") as Task;
    expect(inc.dynamic).toMatchObject({ kind: "include_role", role: "spec", tasksFrom: "main" });
    const { role, blocks } = loadIncludedRole(inc, "spec");
    expect(role.fromInclude).toBe(true);
    expect(role.meta.allowDuplicates).toBe(true);
    expect(tasksOf(blocks).map((t) => t.name)).toEqual([
      "Validating arguments against arg spec 'main' - The spec role",
      "Spec task",
    ]);
  });

  it("refuses an include cycle", () => {
    const play = load("dynamic.yml").plays[0] as Play;
    const inc = byName(play, "include with apply");
    const ctx = inc.dynamic?.kind === "include_tasks" ? inc.dynamic.context : undefined;
    if (!ctx) throw new Error("no context");
    const file = fixture("tasks", "nested", "inner.yml");
    expect(() =>
      loadIncludedTasks(
        { ...inc, dynamic: { ...inc.dynamic!, context: { ...ctx, stack: [file] } } } as Task,
        file,
      ),
    ).toThrow(/include cycle/);
  });
});

describe("warnings", () => {
  it("warns that vars_prompt is ignored and that an imported file is empty; maps user to remote_user", () => {
    const pb = load("prompt.yml");
    expect(pb.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/vars_prompt is not supported/),
      expect.stringMatching(/tasks\/empty.yml is empty and had no tasks to include/),
    ]);
    expect(pb.warnings[0]?.location).toMatchObject({ file: fixture("prompt.yml"), line: 3 });
    expect(pb.plays[0]?.keywords.remote_user).toBe("deploy");
    expect(pb.plays[0]?.vars_prompt).toHaveLength(1);
  });
});

describe("composition", () => {
  const pb = loadPlaybook(fixture("composed.yml"), { isModule, rolesPath: [fixture("extra-roles")] });

  it("applies import_playbook when and vars to the imported plays' tasks", () => {
    const imported = pb.plays[0] as Play;
    expect(imported.importConditions).toEqual(["flag | bool"]);
    expect(imported.keywords.vars).toEqual({ from_import: true });
    expect(tasksOf(imported.tasks)[0]?.effective.when).toEqual(["flag | bool"]);
    expect(tasksOf(imported.handlers)).toEqual([]);
  });

  it("finds roles on the configured roles path", () => {
    const play = pb.plays[1] as Play;
    expect(play.loadedRoles[0]?.path).toBe(fixture("extra-roles", "solo"));
    expect(tasksOf(play.roleBlocks).map((t) => t.name)).toEqual(["Solo task"]);
  });

  it("treats a bare include as static unless its path is templated", () => {
    const play = pb.plays[1] as Play;
    const [first, second] = play.tasks[0]?.block ?? [];
    expect(first).toMatchObject({ kind: "block", importedFrom: { action: "include" } });
    expect(second).toMatchObject({
      kind: "task",
      dynamic: { kind: "include_tasks", file: "{{ dynamic_file }}" },
    });
    expect(pb.warnings.filter((w) => /"include" is deprecated/.test(w.message))).toHaveLength(2);
  });
});
