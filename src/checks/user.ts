/** `user`: exists (or not), home directory, login shell, and groups it must belong to. */
import { fail, fixFor, pass } from "./lib/results.js";
import { probeLines } from "./lib/probe-output.js";
import { shellQuote } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface UserSpec {
  name: string;
  exists?: boolean;
  home?: string;
  shell?: string;
  groups?: string[];
  fix?: string | Record<string, string>;
}

export const userCheck: ProbeCheck<UserSpec> = {
  kind: "probe",
  name: "user",
  schema: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1 },
      exists: { type: "boolean" },
      home: { type: "string" },
      shell: { type: "string" },
      groups: { type: "array", items: { type: "string" } },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `user ${s.name}`,

  probe(spec) {
    const n = shellQuote(spec.name);
    return `getent passwd ${n} | sed 's/^/passwd|/'\nprintf 'groups|%s\\n' "$(id -Gn ${n} 2>/dev/null)"`;
  },

  evaluate(spec, output) {
    const lines = probeLines(output);
    const pw = lines.find((l) => l.key === "passwd")?.fields;
    const want = spec.exists ?? true;
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    if (!pw)
      return [
        want
          ? fail(
              "exists",
              "present",
              "missing",
              `user ${spec.name} does not exist`,
              fix("exists", "create it"),
            )
          : pass("exists", "absent", "absent"),
      ];
    if (!want)
      return [fail("exists", "absent", "present", `user ${spec.name} exists`, fix("exists", "remove it"))];
    // passwd fields: name:x:uid:gid:gecos:home:shell (the probe split on `|`, so rejoin and split on `:`).
    const f = pw.join("|").split(":");
    const home = f[5] ?? "";
    const shell = f[6] ?? "";
    const out: PropertyResult[] = [pass("exists", "present", "present")];
    if (spec.home !== undefined)
      out.push(
        home === spec.home
          ? pass("home", spec.home, home)
          : fail(
              "home",
              spec.home,
              home,
              `${spec.name}'s home is ${home}`,
              fix("home", `usermod -d ${spec.home} -m ${spec.name}`),
            ),
      );
    if (spec.shell !== undefined)
      out.push(
        shell === spec.shell
          ? pass("shell", spec.shell, shell)
          : fail(
              "shell",
              spec.shell,
              shell,
              `${spec.name}'s shell is ${shell}`,
              fix("shell", `usermod -s ${spec.shell} ${spec.name}`),
            ),
      );
    const groups = (lines.find((l) => l.key === "groups")?.fields[0] ?? "").split(/\s+/).filter(Boolean);
    for (const g of spec.groups ?? [])
      out.push(
        groups.includes(g)
          ? pass("groups", g, groups.join(","))
          : fail(
              "groups",
              g,
              groups.join(","),
              `${spec.name} is not in group ${g}`,
              fix("groups", `usermod -aG ${g} ${spec.name}`),
            ),
      );
    return out;
  },
};
