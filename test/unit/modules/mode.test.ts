import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatMode, isAbsoluteMode, ModeError, resolveMode } from "../../../src/modules/util/mode.js";

/** Ansible's own _symbolic_mode_to_octal, run by Debian's python3 with the installed ansible. */
function ansibleSymbolic(mode: number, isDir: boolean, symbolic: string, umask: number): number | string {
  const py = `
import os, stat, sys
from ansible.module_utils.basic import AnsibleModule
class St: pass
s = St(); s.st_mode = (stat.S_IFDIR if sys.argv[2] == "1" else stat.S_IFREG) | int(sys.argv[1], 8)
os.umask(int(sys.argv[4], 8))
try:
    print(AnsibleModule._symbolic_mode_to_octal(s, sys.argv[3]))
except Exception as e:
    print("ERR " + str(e))
`;
  const out = execFileSync(
    "/usr/bin/python3",
    ["-c", py, mode.toString(8), isDir ? "1" : "0", symbolic, umask.toString(8)],
    {
      encoding: "utf8",
    },
  ).trim();
  return out.startsWith("ERR") ? out.slice(4) : Number(out);
}

describe("resolveMode", () => {
  it("takes ints as they are (YAML 0755 is 493; an unquoted 644 is decimal, as in Ansible)", () => {
    expect(resolveMode(493, { mode: 0, isDir: false, umask: 0o22 })).toBe(0o755);
    expect(resolveMode(644, { mode: 0, isDir: false, umask: 0o22 })).toBe(644);
  });

  it("reads octal strings like Python's int(s, 8)", () => {
    for (const [s, v] of [
      ["0644", 0o644],
      ["644", 0o644],
      ["0o750", 0o750],
      [" 1777 ", 0o1777],
    ] as const)
      expect(resolveMode(s, { mode: 0, isDir: false, umask: 0 })).toBe(v);
    expect(isAbsoluteMode("0644")).toBe(true);
    expect(isAbsoluteMode("u+x")).toBe(false);
  });

  it("resolves symbolic modes exactly as Ansible does", () => {
    const cases: [number, boolean, string, number][] = [
      [0o644, false, "u=rw,g=r,o=", 0o22],
      [0o600, false, "a+X", 0o22],
      [0o700, true, "go+X", 0o22],
      [0o644, false, "+x", 0o27],
      [0o755, false, "o-rwx,g=u", 0o22],
      [0o4755, false, "u-s,g+s,o+t", 0o22],
      [0o640, false, "u=rwx,g=rx,o=rx", 0o77],
      [0o640, false, "=r", 0o22],
      [0o640, false, "ug=rw-x+X", 0o22],
    ];
    for (const [mode, isDir, sym, umask] of cases)
      expect(resolveMode(sym, { mode, isDir, umask }), sym).toBe(ansibleSymbolic(mode, isDir, sym, umask));
  });

  it("fails on bad symbolic modes with Ansible's message and details", () => {
    for (const bad of ["u=banana", "z+x", "rwxr-xr-x"]) {
      let err: unknown;
      try {
        resolveMode(bad, { mode: 0o644, isDir: false, umask: 0o22 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ModeError);
      expect((err as ModeError).message).toBe("mode must be in octal or symbolic form");
      expect((err as ModeError).details).toBe(ansibleSymbolic(0o644, false, bad, 0o22));
    }
  });

  it("formats as Ansible's '0%03o'", () => {
    expect(formatMode(0o644)).toBe("0644");
    expect(formatMode(0o7)).toBe("0007");
    expect(formatMode(0o4755)).toBe("04755");
  });
});
