/**
 * The PLAY RECAP lines, as Ansible's default callback prints them: hosts sorted, the name padded to 26 columns,
 * each counter as `name=N` padded to 4 digits, a counter coloured only when it is not zero, the host coloured
 * red/yellow/green by its worst outcome. Every reporter ends with these lines.
 */
import type { RecapCounts } from "../engine/events.js";
import { type ColorName, COLOR, stringc } from "./colors.js";

const COUNTERS: readonly [keyof RecapCounts, string, ColorName][] = [
  ["ok", "ok", COLOR.ok],
  ["changed", "changed", COLOR.changed],
  ["unreachable", "unreachable", COLOR.unreachable],
  ["failed", "failed", COLOR.error],
  ["skipped", "skipped", COLOR.skip],
  ["rescued", "rescued", COLOR.ok],
  ["ignored", "ignored", COLOR.warn],
];

/** Python's `"%-Ns" % text`: pads by code points, counting colour codes too, as Ansible does. */
const padEnd = (text: string, width: number): string =>
  text + " ".repeat(Math.max(0, width - [...text].length));

function hostColumn(host: string, counts: RecapCounts, color: boolean): string {
  if (!color) return padEnd(host, 26);
  const hostColor =
    counts.failed !== 0 || counts.unreachable !== 0
      ? COLOR.error
      : counts.changed !== 0
        ? COLOR.changed
        : COLOR.ok;
  return padEnd(stringc(host, hostColor, true), 37);
}

export function recapLine(host: string, counts: RecapCounts, color: boolean): string {
  const columns = COUNTERS.map(([key, label, counterColor]) => {
    const text = padEnd(`${label}=${counts[key]}`, label.length + 1 + 4);
    return counts[key] !== 0 ? stringc(text, counterColor, color) : text;
  });
  return `${hostColumn(host, counts, color)} : ${columns.join(" ")}`;
}

/** Host names in Python's sort order (code points). */
export function sortedHosts(hosts: Record<string, RecapCounts>): string[] {
  return Object.keys(hosts).sort((a, b) => {
    const x = [...a].map((c) => c.codePointAt(0)!);
    const y = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  });
}
