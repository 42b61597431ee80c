/**
 * Debian package details the apt module decides with, kept pure so they are unit-tested: dpkg's version ordering
 * (apt_pkg.version_compare), Python's fnmatch (Ansible matches `pkg=1.2*` versions and `pkg*` names with it), and
 * reading `apt-cache policy` output.
 */

/** dpkg's order of one character in a version part: `~` first, then end/digits, then letters, then the rest. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === "~") return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let diff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i]!)) || (j < b.length && !/[0-9]/.test(b[j]!))) {
      const ac = i < a.length && !/[0-9]/.test(a[i]!) ? order(a[i]) : 0;
      const bc = j < b.length && !/[0-9]/.test(b[j]!) ? order(b[j]) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    while (i < a.length && /[0-9]/.test(a[i]!) && j < b.length && /[0-9]/.test(b[j]!)) {
      if (!diff) diff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i]!)) return 1;
    if (j < b.length && /[0-9]/.test(b[j]!)) return -1;
    if (diff) return diff;
  }
  return 0;
}

function split(v: string): [number, string, string] {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number(v.slice(0, colon)) || 0 : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ""];
}

/** <0, 0, >0 as dpkg --compare-versions orders a and b. */
export function compareVersions(a: string, b: string): number {
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  if (ea !== eb) return ea - eb;
  return verrevcmp(ua, ub) || verrevcmp(ra, rb);
}

/** Python's fnmatch.fnmatch on POSIX (case-sensitive): *, ?, [seq], [!seq]. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + (pattern[i + 1] === "!" ? 3 : 2) - 1);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = "^" + body.slice(1);
        else if (body.startsWith("^")) body = "\\" + body;
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^(?:${re})$`, "s").test(name);
}

export interface Policy {
  installed: string | null;
  candidate: string | null;
  /** Versions of the version table, highest first. */
  versions: string[];
}

/** `apt-cache policy a b …`: one section per package apt knows (unknown names get no section). */
export function parsePolicy(out: string): Map<string, Policy> {
  const map = new Map<string, Policy>();
  let cur: Policy | undefined;
  for (const line of out.split("\n")) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      cur = { installed: null, candidate: null, versions: [] };
      map.set(head[1]!, cur);
      continue;
    }
    if (!cur) continue;
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (field) {
      const v = field[2]!.trim() === "(none)" ? null : field[2]!.trim();
      if (field[1] === "Installed") cur.installed = v;
      else cur.candidate = v;
      continue;
    }
    const ver = /^ (?:\*\*\*| {3}) (\S+) (-?\d+)$/.exec(line);
    if (ver && !cur.versions.includes(ver[1]!)) cur.versions.push(ver[1]!);
  }
  return map;
}
