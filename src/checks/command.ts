/**
 * `command`: run a read-only command as a given user (sudo -u) with a timeout and check its exit code and the
 * patterns its stdout/stderr must (not) show, e.g. `sudo -u backup mysqldump agama >/dev/null`.
 */
import { fail, fixFor, pass } from "./lib/results.js";
import { decode64, firstField, matcher } from "./lib/probe-output.js";
import { asUser } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface CommandSpec {
  command: string;
  run_as?: string;
  exit_code?: number;
  stdout?: string[];
  stdout_not?: string[];
  stderr?: string[];
  stderr_not?: string[];
  /** Seconds; the command is killed after this long. */
  timeout?: number;
  fix?: string | Record<string, string>;
}

const patterns = { type: "array", items: { type: "string", minLength: 1 } };

function firstLineOf(text: string): string {
  return (
    text
      .split("\n")
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 200) ?? ""
  );
}

export const commandCheck: ProbeCheck<CommandSpec> = {
  kind: "probe",
  name: "command",
  schema: {
    type: "object",
    required: ["command"],
    additionalProperties: false,
    properties: {
      command: { type: "string", minLength: 1 },
      run_as: { type: "string", minLength: 1 },
      exit_code: { type: "integer" },
      stdout: patterns,
      stdout_not: patterns,
      stderr: patterns,
      stderr_not: patterns,
      timeout: { type: "number", exclusiveMinimum: 0 },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => (s.run_as ? `sudo -u ${s.run_as} ${s.command}` : s.command),

  probe(spec) {
    const run = asUser(spec.run_as ?? "root", spec.command);
    return [
      `o=$(mktemp) && e=$(mktemp)`,
      `timeout -k 5 ${spec.timeout ?? 60} ${run} >"$o" 2>"$e" </dev/null; echo "rc|$?"`,
      `printf 'out|'; head -c 65536 "$o" | base64 -w0; echo`,
      `printf 'err|'; head -c 65536 "$e" | base64 -w0; echo`,
      `rm -f "$o" "$e"`,
    ].join("\n");
  },

  evaluate(spec, output) {
    const rc = Number(firstField(output, "rc") ?? "-1");
    const stdout = decode64(firstField(output, "out"));
    const stderr = decode64(firstField(output, "err"));
    const shown = commandCheck.describe(spec);
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    const wanted = spec.exit_code ?? 0;
    const out: PropertyResult[] = [];
    if (rc === 124 || rc === 137) {
      out.push(
        fail(
          "exit_code",
          String(wanted),
          "timeout",
          `${shown} did not finish within ${spec.timeout ?? 60} s`,
          fix(
            "exit_code",
            "find out what it waits for (a password prompt, a lock) and make it run unattended",
          ),
        ),
      );
    } else if (rc === wanted) {
      out.push(pass("exit_code", String(wanted), String(rc)));
    } else {
      const said = firstLineOf(stderr) || firstLineOf(stdout);
      out.push(
        fail(
          "exit_code",
          String(wanted),
          String(rc),
          `${shown} exited with ${rc}${said ? ` (${said})` : ""}`,
          fix("exit_code", `run it by hand on the host and fix what it reports`),
        ),
      );
    }
    const streams = [
      ["stdout", stdout, spec.stdout, true],
      ["stdout_not", stdout, spec.stdout_not, false],
      ["stderr", stderr, spec.stderr, true],
      ["stderr_not", stderr, spec.stderr_not, false],
    ] as const;
    for (const [prop, text, list, must] of streams) {
      const stream = prop.startsWith("stdout") ? "stdout" : "stderr";
      for (const pattern of list ?? []) {
        const hit = matcher(pattern)(text);
        out.push(
          hit === must
            ? pass(prop, `${must ? "" : "no "}${pattern}`, hit ? "matched" : "no match")
            : fail(
                prop,
                `${must ? "" : "no "}${pattern}`,
                hit ? "matched" : "no match",
                must
                  ? `${shown} printed no ${pattern} on ${stream}`
                  : `${shown} printed ${pattern} on ${stream} (${firstLineOf(text)})`,
                fix(prop, "run it by hand on the host and fix what it reports"),
              ),
        );
      }
    }
    return out;
  },
};
