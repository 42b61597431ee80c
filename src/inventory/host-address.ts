/**
 * Host names as inventories write them: `web1`, `web1:2222`, `[::1]:22`, `10.0.0.[1:5]`, `web[01:03].lan`,
 * `db-[a:c]`, `node[1:10:2]`. Mirrors Ansible's `parse_address` (which accepts a name only when it looks like a
 * hostname, IPv4 or IPv6 address) and `expand_hostname_range`, including its fallbacks: something that is not an
 * address keeps its full text and no port.
 */
const WORD = "[\\p{L}\\p{N}_]"; // Python's \w on text
const NUMERIC_RANGE = "\\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
const HEX_RANGE = "\\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\\]";
const ALNUM_RANGE = "\\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
const IPV6_PART = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV4_PART = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
const LABEL = `(?:${WORD}|${ALNUM_RANGE})(?:${WORD}|[_-]|${ALNUM_RANGE})*(?<![_-])`;

const I6 = IPV6_PART;
const I4 = IPV4_PART;
const IPV6_ALTERNATIVES = [
  `(?:${I6}:){7}${I6}`,
  `(?:${I6}:){1,6}:`,
  `(?:${I6}:)(?::${I6}){1,6}`,
  `(?:${I6}:){2}(?::${I6}){1,5}`,
  `(?:${I6}:){3}(?::${I6}){1,4}`,
  `(?:${I6}:){4}(?::${I6}){1,3}`,
  `(?:${I6}:){5}(?::${I6}){1,2}`,
  `(?:${I6}:){6}(?::${I6})`,
  `:(?::${I6}){1,6}`,
  `${I6}?::`,
  `(?:0:){6}(?:${I6}\\.){3}${I6}`,
  `::(?:ffff:)?(?:${I6}\\.){3}${I6}`,
  `(?:0:){5}ffff:(?:${I6}\\.){3}${I6}`,
];

const PATTERNS = {
  bracketedHostport: /^\[(.+)\]:([0-9]+)$/su,
  hostport: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su,
  ipv4: new RegExp(`^(?:${I4}\\.){3}${I4}$`, "iu"),
  // Python's `re.match` anchors every alternative at the start, but its `$` binds only the last one.
  ipv6: new RegExp(`^(?:${IPV6_ALTERNATIVES.slice(0, -1).join("|")}|${IPV6_ALTERNATIVES.at(-1)}$)`, "iu"),
  hostname: new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, "iu"),
};

/** LABEL on ASCII text without ranges (no `[`): what inventories nearly always hold, and a match of `hostname`
 * too. Compiling the Unicode patterns cost a few ms of every run, so they are compiled only when this says no. */
const ASCII_LABEL = "[A-Za-z0-9_][A-Za-z0-9_-]*(?<![_-])";
const ASCII_HOSTNAME = new RegExp(`^${ASCII_LABEL}(?:\\.${ASCII_LABEL})*$`);

export class AddressError extends Error {}

/** `parse_address(address, allow_ranges)`: the host part and the port, or an AddressError. */
export function parseAddress(address: string, allowRanges: boolean): { host: string; port?: number } {
  let port: number | undefined;
  for (const re of [PATTERNS.bracketedHostport, PATTERNS.hostport]) {
    const m = re.exec(address);
    if (m) {
      address = m[1]!;
      port = Number(m[2]);
    }
  }
  const ok =
    ASCII_HOSTNAME.test(address) ||
    [PATTERNS.ipv4, PATTERNS.ipv6, PATTERNS.hostname].some((re) => re.test(address));
  if (!ok) throw new AddressError(`Not a valid network hostname: ${address}`);
  if (!allowRanges && address.includes("["))
    throw new AddressError("Detected range in host but was asked to ignore ranges");
  return { host: address, port };
}

/** Python's int() on text: surrounding whitespace, a sign and digit underscores are fine, anything else is not. */
function pyInt(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d(?:_?\d)*$/.test(t)) throw new AddressError(`invalid literal for int() with base 10: '${s}'`);
  return Number(t.replace(/_/g, ""));
}

const ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Python's range()/slice stepping over [from, to] inclusive. */
function stepped<T>(items: (i: number) => T, from: number, to: number, step: number): T[] {
  if (step === 0) throw new AddressError("range() arg 3 must not be zero");
  const out: T[] = [];
  if (step > 0) for (let i = from; i <= to; i += step) out.push(items(i));
  else for (let i = from; i >= to; i += step) out.push(items(i));
  return out;
}

/** `expand_hostname_range`: `web[01:03]` → web01, web02, web03; several ranges multiply. */
export function expandHostnameRange(line: string): string[] {
  // Python replaces the first '[' and then the first ']' with '|' and needs exactly three parts out of it.
  const parts = line.replace("[", "|").replace("]", "|").split("|");
  if (parts.length !== 3) throw new AddressError(`could not expand the host range in '${line}'`);
  const [head, nrange, tail] = parts as [string, string, string];
  const bounds = nrange.split(":");
  if (bounds.length !== 2 && bounds.length !== 3)
    throw new AddressError("host range must be begin:end or begin:end:step");
  const beg = bounds[0] || "0";
  const end = bounds[1]!;
  const step = bounds.length === 3 ? pyInt(bounds[2]!) : 1;
  if (!end) throw new AddressError("host range must specify end value");
  let fill = (x: string | number): string => String(x);
  if (beg[0] === "0" && beg.length > 1) {
    if (beg.length !== end.length)
      throw new AddressError("host range must specify equal-length begin and end formats");
    fill = (x) => String(x).padStart(beg.length, "0");
  }
  // Python's str.index finds substrings, so `a`..`z` and also multi-letter bounds like `ab` index into the alphabet.
  const iBeg = ASCII_LETTERS.indexOf(beg);
  const iEnd = ASCII_LETTERS.indexOf(end);
  let seq: (string | number)[];
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new AddressError("host range must have begin <= end");
    seq = stepped((i) => ASCII_LETTERS[i]!, iBeg, iEnd, step);
  } else {
    seq = stepped((i) => i, pyInt(beg), pyInt(end), step);
  }
  const hosts: string[] = [];
  for (const item of seq) {
    const name = head + fill(item) + tail;
    if (name.includes("[")) hosts.push(...expandHostnameRange(name));
    else hosts.push(name);
  }
  return hosts;
}

/** A host key of an inventory: the names it stands for and the port written after it, if any. */
export function expandHostPattern(pattern: string): { hosts: string[]; port?: number } {
  let name = pattern;
  let port: number | undefined;
  try {
    const parsed = parseAddress(pattern, true);
    name = parsed.host;
    port = parsed.port;
  } catch (e) {
    if (!(e instanceof AddressError)) throw e;
  }
  return { hosts: name.includes("[") ? expandHostnameRange(name) : [name], port };
}

/** Whether a name is an IPv4 or IPv6 address (then `inventory_hostname_short` is the whole name). */
export function isIpAddress(name: string): boolean {
  // An IPv6 address has a colon, an IPv4 one (ranges included) exactly three dots: most names are neither.
  if (!name.includes(":") && name.split(".").length !== 4) return false;
  return PATTERNS.ipv4.test(name) || PATTERNS.ipv6.test(name);
}
