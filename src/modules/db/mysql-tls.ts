/**
 * mysql_user's tls_requires, as community.mysql handles it: the user's dict is reduced to "SSL", "X509" or a dict
 * of CIPHER/ISSUER/SUBJECT values; the server's current requirement is read back from SHOW CREATE USER (or SHOW
 * GRANTS on old servers) and parsed the same way, so the two compare like Ansible compares them.
 */
export type TlsRequires = null | "SSL" | "X509" | Record<string, string>;

/** sanitize_requires. */
export function sanitizeRequires(tls: Record<string, unknown> | null | undefined): TlsRequires {
  if (!tls || Object.keys(tls).length === 0) return null;
  const up: Record<string, string> = {};
  for (const [k, v] of Object.entries(tls)) up[k.toUpperCase()] = String(v);
  if (["CIPHER", "ISSUER", "SUBJECT"].some((k) => k in up)) {
    delete up.SSL;
    delete up.X509;
    return up;
  }
  return "X509" in up ? "X509" : "SSL";
}

/** The ` REQUIRE …` clause for a statement (mogrify_requires), values as SQL literals. */
export function requireClause(tls: TlsRequires, literal: (v: string) => string): string {
  if (!tls) return "";
  if (typeof tls === "string") return ` REQUIRE ${tls}`;
  return ` REQUIRE ${Object.entries(tls)
    .map(([k, v]) => `${k} ${literal(v)}`)
    .join(" AND ")}`;
}

/** get_tls_requires's parsing of the first line that mentions REQUIRE. */
export function parseRequires(lines: string[]): TlsRequires {
  const line = lines.find((l) => l.includes("REQUIRE")) ?? "";
  const m = /(?<=\bREQUIRE\b)(.*?)(?=(?:\bPASSWORD\b|$))/.exec(line);
  const requires = m ? m[0].trim() : "";
  if (["SSL", "X509", "NONE"].some((r) => requires.startsWith(r))) {
    const first = requires.split(/\s+/)[0]!;
    return first === "NONE" ? null : (first as "SSL" | "X509");
  }
  const words = shlexSplit(requires);
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < words.length; i += 2) out[words[i]!] = words[i + 1]!;
  return Object.keys(out).length ? out : null;
}

/** Python's `current != desired` for two requirements (dicts compare by content). */
export function requiresEqual(a: TlsRequires, b: TlsRequires): boolean {
  if (a === null || b === null || typeof a === "string" || typeof b === "string") return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && a[k] === b[k]);
}

/** shlex.split in POSIX mode: whitespace separates words, quotes group, backslash escapes outside '…'. */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error("No closing quotation");
      cur += s.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === "\\" && (s[j + 1] === '"' || s[j + 1] === "\\")) j++;
        cur += s[j];
      }
      if (j >= s.length) throw new Error("No closing quotation");
      i = j;
      inWord = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
