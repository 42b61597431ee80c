/** Bad input gets one clear paragraph with file:line:column and Ansible's exit code — never a stack trace. */
import { describe, expect, it } from "vitest";
import { play } from "./playbook-helpers.js";

const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);

describe("infra apply: errors", () => {
  it("YAML syntax error: exit 4, file:line:column and the line", async () => {
    const r = await play({ "site.yml": "- hosts: all\n  vars: {a: [1, 2}\n  tasks: []\n" });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/site\.yml:\d+:\d+: YAML syntax error/);
    // The offending line itself, with a caret under the place.
    expect(r.stderr).toMatch(/\n {2,}vars: \{a: \[1, 2\}\n {2,}\^/);
    noTrace(r.stderr);
    // -vvvv adds the stack trace for a bug report; nothing less does.
    const vvvv = await play({ "site.yml": "- hosts: all\n  vars: {a: [1, 2}\n  tasks: []\n" }, ["-vvvv"]);
    expect(vvvv.code).toBe(4);
    expect(vvvv.stdout + vvvv.stderr).toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  it("unknown module: names the nearest modules and the task's place", async () => {
    const r = await play({ "site.yml": "- hosts: all\n  tasks:\n    - name: typo\n      comand: ls\n" });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/site\.yml:[34]:\d+/);
    expect(r.stderr).toContain("Did you mean the module 'command'");
    noTrace(r.stderr);
  });

  it("bad module argument: the allowed values and the task's file:line", async () => {
    const r = await play({
      "site.yml": "- hosts: backup\n  gather_facts: no\n  tasks:\n    - file: path=/tmp/x state=dir\n",
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      "value of state must be one of: absent, directory, file, hard, link, touch, got: dir",
    );
    expect(r.stdout).toMatch(/site\.yml:4:/);
  });

  it("undefined variable: names the variable and the template", async () => {
    const r = await play({
      "site.yml":
        "- hosts: backup\n  gather_facts: no\n  tasks:\n    - name: say it\n      debug: msg={{ nosuchvar }}\n",
    });
    expect(r.code).toBe(2);
    // The task (its banner and place), the template, and the name.
    expect(r.stdout).toMatch(/TASK \[say it\] \*+\nfatal: \[backup\]: FAILED!/);
    expect(r.stdout).toContain("'nosuchvar' is undefined. String: {{ nosuchvar }}");
    expect(r.stdout).toMatch(/The error appears to be in '[^']*site\.yml': line 5, column 7/);
  });

  it("wrong vault password: names the file and the variable, prints no ciphertext as text", async () => {
    const vaulted = [
      "secret: !vault |",
      "  $ANSIBLE_VAULT;1.1;AES256",
      "  61626364656667686970717273747576777879306162636465666768697071727374757677787930",
      "  3132",
    ].join("\n");
    const r = await play(
      {
        "site.yml":
          "- hosts: backup\n  gather_facts: no\n  vars_files: [v.yml]\n  tasks:\n    - debug: msg={{ secret }}\n",
        "v.yml": vaulted + "\n",
        pw: "wrong\n",
      },
      ["--vault-password-file", "pw"],
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/v\.yml:\d+/);
    noTrace(r.stderr);
  });

  it("option errors exit 5; a missing playbook is named", async () => {
    const r = await play({ "site.yml": "- hosts: all\n  tasks: []\n" }, ["--forks", "zero"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("forks");
    const missing = await play({ "other.yml": "[]\n" });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("the playbook: site.yml could not be found");
  });

  it("--syntax-check accepts a good playbook and rejects a bad one", async () => {
    const good = await play({ "site.yml": "- hosts: all\n  tasks:\n    - debug: msg=hi\n" }, [
      "--syntax-check",
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("playbook: ");
    const bad = await play({ "site.yml": "- hosts: all\n  taks:\n    - debug: msg=hi\n" }, [
      "--syntax-check",
    ]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("tasks");
  });
});
