import { describe, expect, it } from "vitest";
import { ExitCode } from "../../../src/util/errors.js";
import { loadError } from "./helpers.js";

/** [fixture, message pattern, line, column, hint pattern?] */
const cases: Array<[string, RegExp, number, number, RegExp?]> = [
  ["errors/not-a-list.yml", /A playbook must be a list of plays, got a dict/, 1, 1],
  ["errors/empty-list.yml", /must contain at least one play/, 1, 1],
  ["errors/no-hosts.yml", /the field 'hosts' is required but was not set/, 1, 3],
  ["errors/hosts-dict.yml", /hosts must be a string or list, got a dict/, 1, 3],
  ["errors/roles-not-list.yml", /roles must be a list, got a string/, 2, 3],
  ["errors/tasks-not-list.yml", /tasks must be a list of tasks, got a dict/, 2, 3],
  ["errors/no-module.yml", /no module\/action detected in task/, 3, 7],
  ["errors/two-modules.yml", /conflicting action statements: debug, ping/, 4, 7],
  ["errors/unknown-keyword.yml", /'whenn' is not a valid attribute for a Task/, 4, 7, /Did you mean 'when'/],
  ["errors/unknown-module.yml", /couldn't resolve module\/action 'debgu'/, 4, 7],
  ["errors/bad-play-key.yml", /'taks' is not a valid attribute for a Play/, 2, 3, /'tasks'/],
  ["errors/extra-params.yml", /this task 'file' has extra params/, 3, 7],
  ["errors/import-loop.yml", /You cannot use loops on 'import_tasks'/, 3, 7],
  ["errors/role-missing.yml", /the role 'nosuchrole' was not found in/, 3, 5],
  ["errors/bad-block-key.yml", /'resuce' is not a valid attribute for a Block/, 5, 7, /'rescue'/],
  ["errors/tags-dict.yml", /tags must be specified as a list/, 4, 7],
  ["errors/bad-bool.yml", /The field 'become' has an invalid value \(maybe\)/, 2, 3],
  ["errors/listen-on-task.yml", /'listen' is not a valid attribute for a Task/, 4, 7],
  ["errors/include-bad-keyword.yml", /'become' is not a valid attribute for a TaskInclude/, 4, 7, /apply/],
  ["cycle/a.yml", /import_playbook cycle/, 3, 3],
  ["cycle/self-import.yml", /import cycle: self-import.yml → self-tasks.yml → self-tasks.yml/, 2, 3],
];

describe("load errors point at file:line:column", () => {
  for (const [file, message, line, column, hint] of cases) {
    it(file, () => {
      const err = loadError(file);
      expect(err.message).toMatch(message);
      // A role that is not there is Ansible's AnsibleError (exit 1); the others are parser errors (exit 4).
      expect(err.exitCode).toBe(file === "errors/role-missing.yml" ? ExitCode.generic : ExitCode.parse);
      expect(err.location?.file).toMatch(/\.yml$/);
      expect([err.location?.line, err.location?.column]).toEqual([line, column]);
      expect(err.excerpt).toBeDefined();
      if (hint) expect(err.hint).toMatch(hint);
    });
  }
});
