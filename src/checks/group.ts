/** `group`: exists (or not) and which users must be members (listed in /etc/group or by primary group). */
import { fail, fixFor, pass } from "./lib/results.js";
import { probeLines } from "./lib/probe-output.js";
import { shellQuote } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface GroupSpec {
  name: string;
  exists?: boolean;
  members?: string[];
  fix?: string | Record<string, string>;
}

export const groupCheck: ProbeCheck<GroupSpec> = {
  kind: "probe",
  name: "group",
  schema: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1 },
      exists: { type: "boolean" },
      members: { type: "array", items: { type: "string" } },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `group ${s.name}`,

  probe(spec) {
    const n = shellQuote(spec.name);
    return [
      `g=$(getent group ${n}) && printf 'group|%s\\n' "$g" && gid=$(printf '%s' "$g" | cut -d: -f3) &&`,
      `  getent passwd | awk -F: -v gid="$gid" '$4 == gid { print "primary|" $1 }'`,
    ].join("\n");
  },

  evaluate(spec, output) {
    const lines = probeLines(output);
    const g = lines.find((l) => l.key === "group")?.fields.join("|");
    const want = spec.exists ?? true;
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    if (!g)
      return [
        want
          ? fail(
              "exists",
              "present",
              "missing",
              `group ${spec.name} does not exist`,
              fix("exists", `groupadd ${spec.name}`),
            )
          : pass("exists", "absent", "absent"),
      ];
    if (!want)
      return [fail("exists", "absent", "present", `group ${spec.name} exists`, fix("exists", "remove it"))];
    const members = new Set((g.split(":")[3] ?? "").split(",").filter(Boolean));
    for (const l of lines) if (l.key === "primary") members.add(l.fields[0]!);
    const out: PropertyResult[] = [pass("exists", "present", "present")];
    const found = [...members].join(",") || "(none)";
    for (const m of spec.members ?? [])
      out.push(
        members.has(m)
          ? pass("members", m, found)
          : fail(
              "members",
              m,
              found,
              `${m} is not a member of ${spec.name}`,
              fix("members", `usermod -aG ${spec.name} ${m}`),
            ),
      );
    return out;
  },
};
