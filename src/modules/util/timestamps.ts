/**
 * The file module's modification_time/access_time: "preserve", "now", or a time in a strptime format read in the
 * host's local time (Ansible's time.mktime runs there; the host's UTC offset comes with the probe).
 */
import { ModuleFailure } from "./failure.js";

export const NOW = "now" as const;
export type TimeWish = number | typeof NOW | null;

const FIELDS: Record<string, { re: string; key: string }> = {
  Y: { re: "(\\d{4})", key: "Y" },
  y: { re: "(\\d{2})", key: "y" },
  m: { re: "(\\d{1,2})", key: "m" },
  d: { re: "(\\d{1,2})", key: "d" },
  H: { re: "(\\d{1,2})", key: "H" },
  M: { re: "(\\d{1,2})", key: "M" },
  S: { re: "(\\d{1,2})", key: "S" },
};

/** Ansible's keep_backward_compatibility_on_timestamps: touch defaults to now, other states preserve. */
export function defaultTime(value: string | null | undefined, state: string): string | null | undefined {
  if (value == null)
    return state === "touch"
      ? "now"
      : ["file", "hard", "directory", "link"].includes(state)
        ? "preserve"
        : value;
  return value;
}

/** Seconds since the epoch for `text` in `format`, given the host's UTC offset ("+0100"). */
export function parseTime(text: string | null | undefined, format: string, utcOffset: string): TimeWish {
  if (text == null || text === "preserve") return null;
  if (text === "now") return NOW;
  const keys: string[] = [];
  let re = "^";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === "%" && i + 1 < format.length) {
      const f = FIELDS[format[++i]!];
      if (!f) throw bad(text, format, `'${format[i]}' is a bad directive in format '%${format[i]}'`);
      re += f.re;
      keys.push(f.key);
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const m = new RegExp(re + "$").exec(text);
  if (!m) throw bad(text, format, `time data '${text}' does not match format '${format}'`);
  const v: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach((k, i) => (v[k] = Number(m[i + 1])));
  if (v.y !== undefined) v.Y = v.y! < 69 ? 2000 + v.y! : 1900 + v.y!;
  const sign = utcOffset.startsWith("-") ? -1 : 1;
  const off = sign * (Number(utcOffset.slice(1, 3)) * 3600 + Number(utcOffset.slice(3, 5)) * 60);
  return Date.UTC(v.Y!, v.m! - 1, v.d!, v.H!, v.M!, v.S!) / 1000 - off;
}

function bad(text: string, format: string, why: string): ModuleFailure {
  return new ModuleFailure(`Error while obtaining timestamp for time ${text} using format ${format}: ${why}`);
}
