/**
 * `duplicity`: `collection-status` of a backup target, run as the backup user with a throw-away archive dir (so
 * the host's cache is left alone): a backup chain exists, the target's first backup is a full one (an
 * incremental without its full cannot be restored), and the newest backup is younger than a limit.
 */
import { fail, fixFor, pass } from "./lib/results.js";
import { decode64, firstField } from "./lib/probe-output.js";
import { parseCollectionStatus, setsFromFileNames } from "./lib/duplicity-status.js";
import { asUser, shellQuote } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface DuplicitySpec {
  target: string;
  run_as?: string;
  max_age_hours?: number;
  timeout?: number;
  fix?: string | Record<string, string>;
}

/** Shell that lists a target's file names as `KEY|base64` (rsync over SSH, or a local directory). */
export function listTargetScript(key: string, url: string, user: string): string {
  const m = /^rsync:\/\/([^/]+)\/(.*)$/.exec(url);
  const list = m
    ? `rsync --list-only -e 'ssh -o BatchMode=yes -o ConnectTimeout=5' ${shellQuote(`${m[1]}:${m[2]!.replace(/\/+$/, "")}/`)}`
    : url.startsWith("file://")
      ? `ls ${shellQuote(url.slice(7))}`
      : "true";
  return `printf '%s|' ${key}; timeout 30 ${asUser(user, list)} 2>/dev/null | base64 -w0; echo`;
}

export const duplicityCheck: ProbeCheck<DuplicitySpec> = {
  kind: "probe",
  name: "duplicity",
  schema: {
    type: "object",
    required: ["target"],
    additionalProperties: false,
    properties: {
      target: {
        type: "string",
        pattern: "^([a-z+]+://|\\{\\{)",
        description: "a duplicity URL such as rsync://backup@backup/mysql or {{ backup_url_base }}/mysql",
      },
      run_as: { type: "string" },
      max_age_hours: { type: "number", exclusiveMinimum: 0 },
      timeout: { type: "number", exclusiveMinimum: 0 },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `duplicity backups in ${s.target}`,

  probe(spec) {
    const user = spec.run_as ?? "backup";
    const status = `duplicity collection-status --no-encryption --archive-dir "$a" ${shellQuote(spec.target)}`;
    return [
      `echo "now|$(date +%s)"`,
      `a=$(mktemp -d) && chown ${shellQuote(user)} "$a"`,
      `o=$(timeout ${spec.timeout ?? 120} sudo -H -n -u ${shellQuote(user)} -- env a="$a" /bin/sh -c ${shellQuote(`cd / && ${status}`)} 2>&1); echo "rc|$?"`,
      `printf 'status|'; printf '%s' "$o" | base64 -w0; echo`,
      `rm -rf "$a"`,
      listTargetScript("files", spec.target, user),
    ].join("\n");
  },

  evaluate(spec, output) {
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    const text = decode64(firstField(output, "status"));
    const now = new Date(Number(firstField(output, "now") ?? Date.now() / 1000) * 1000);
    const status = parseCollectionStatus(text);
    const files = setsFromFileNames(decode64(firstField(output, "files")).split("\n"));
    const out: PropertyResult[] = [];
    const target = spec.target;
    if (!status.primaryChain) {
      const said = text
        .split("\n")
        .find((l) => /error|denied|No backup chains|not found|refused/i.test(l))
        ?.trim();
      out.push(
        fail(
          "chain",
          "a backup chain",
          said ?? "none",
          `${target} holds no duplicity backup chain${said ? ` (${said})` : ""}`,
          fix("chain", "run the full backup command from the cron file once as backup and check its output"),
        ),
      );
    } else {
      out.push(
        pass(
          "chain",
          "a backup chain",
          `${status.sets.length} set(s) since ${status.sets[0]!.time.toISOString()}`,
        ),
      );
    }
    const first = files[0] ?? status.sets[0];
    if (!first)
      out.push(
        fail(
          "first_full",
          "the first backup is full",
          "no backups",
          `${target} holds no backups`,
          fix("first_full", "make the first backup a full one"),
        ),
      );
    else if (first.type !== "full")
      out.push(
        fail(
          "first_full",
          "the first backup is full",
          `incremental at ${first.time.toISOString()}`,
          `the first backup in ${target} (${first.time.toISOString()}) is incremental, without a full backup before it`,
          fix(
            "first_full",
            "run `duplicity full` once by hand as backup so every chain starts with a full backup",
          ),
        ),
      );
    else out.push(pass("first_full", "the first backup is full", `full at ${first.time.toISOString()}`));
    const newest = [...status.sets, ...files].reduce<Date | undefined>(
      (m, s) => (!m || s.time > m ? s.time : m),
      undefined,
    );
    const limit = spec.max_age_hours ?? 48;
    const age = newest ? (now.getTime() - newest.getTime()) / 3_600_000 : Infinity;
    out.push(
      age <= limit
        ? pass("age", `newest backup younger than ${limit} h`, `${age.toFixed(1)} h old`)
        : fail(
            "age",
            `newest backup younger than ${limit} h`,
            newest ? `${age.toFixed(1)} h old` : "none",
            newest
              ? `the newest backup in ${target} is ${age.toFixed(0)} hours old`
              : `${target} holds no backup`,
            fix(
              "age",
              "check that the cron jobs run (grep CRON /var/log/syslog) and that the upload works as backup",
            ),
          ),
    );
    return out;
  },
};
