/**
 * Ansible's legacy `k=v` argument syntax (`copy: src=a dest='b c'`), parsed exactly as
 * ansible/parsing/splitter.py does: split on spaces while keeping quoted strings and Jinja2 blocks together,
 * then separate `key=value` pairs from free-form words (which become `_raw_params`).
 */

/** Error raised while splitting; the caller turns it into an InfraError with a location. */
export class ArgSplitError extends Error {}

/** Options of command/shell that may be written as k=v even though the rest of the line is free-form. */
const RAW_MODULE_OPTIONS = new Set([
  "creates",
  "removes",
  "chdir",
  "executable",
  "warn",
  "stdin",
  "stdin_add_newline",
  "strip_empty_ends",
]);

export function isQuoted(data: string): boolean {
  return (
    data.length > 1 && data[0] === data.at(-1) && (data[0] === '"' || data[0] === "'") && data.at(-2) !== "\\"
  );
}

/** Remove one pair of matching outer quotes. */
export function unquote(data: string): string {
  return isQuoted(data) ? data.slice(1, -1) : data;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

// Python's `unicode-escape` applied only to recognised escapes, as splitter._decode_escapes does. `\N{name}` needs
// Unicode's name table, which Node lacks, so it is left as written.
const ESCAPE_RE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]/g;

export function decodeEscapes(s: string): string {
  return s.replace(ESCAPE_RE, (m) => {
    const kind = m[1] as string;
    if (kind === "U" || kind === "u" || kind === "x") {
      const code = parseInt(m.slice(2), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return SIMPLE_ESCAPES[kind] ?? m;
  });
}

function quoteState(token: string, quoteChar: string | null): string | null {
  let q = quoteChar;
  for (let i = 0; i < token.length; i++) {
    const c = token[i] as string;
    const prev = i > 0 ? token[i - 1] : undefined;
    if ((c === '"' || c === "'") && prev !== "\\") {
      if (q) {
        if (c === q) q = null;
      } else {
        q = c;
      }
    }
  }
  return q;
}

function countOccurrences(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function jinjaDepth(token: string, depth: number, open: string, close: string): number {
  const opened = countOccurrences(token, open);
  const closed = countOccurrences(token, close);
  if (opened === closed) return depth;
  return Math.max(0, depth + opened - closed);
}

/** Join split params back, keeping the newlines split_args preserved. */
export function joinArgs(parts: string[]): string {
  let result = "";
  for (const p of parts) result += result.length === 0 || result.endsWith("\n") ? p : ` ${p}`;
  return result;
}

/** Split on whitespace, keeping quotes and `{{ }}`/`{% %}`/`{# #}` blocks together (splitter.split_args). */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const items = args.split("\n");
  let quoteChar: string | null = null;
  let insideQuotes = false;
  let printDepth = 0;
  let blockDepth = 0;
  let commentDepth = 0;
  // Python indexes params[-1] here; on an empty list that is an IndexError, which Ansible reports like this.
  const appendToLast = (s: string): void => {
    if (params.length === 0) throw new ArgSplitError("Unable to parse argument string");
    params[params.length - 1] += s;
  };

  items.forEach((item, itemIdx) => {
    const tokens = item.split(" ");
    let lineContinuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        appendToLast(" ");
        return;
      }
      if (token === "\\" && !insideQuotes) {
        lineContinuation = true;
        return;
      }
      const wasInsideQuotes = insideQuotes;
      quoteChar = quoteState(token, quoteChar);
      insideQuotes = quoteChar !== null;
      let appended = false;
      const inJinja = printDepth || blockDepth || commentDepth;
      if (insideQuotes && !wasInsideQuotes && !inJinja) {
        params.push(token);
        appended = true;
      } else if (inJinja || insideQuotes || wasInsideQuotes) {
        if (idx === 0 && wasInsideQuotes) appendToLast(token);
        else if (tokens.length > 1) appendToLast(`${idx > 0 ? " " : ""}${token}`);
        else appendToLast(`\n${token}`);
        appended = true;
      }
      const depths: Array<[number, string, string]> = [
        [printDepth, "{{", "}}"],
        [blockDepth, "{%", "%}"],
        [commentDepth, "{#", "#}"],
      ];
      const next = depths.map(([d, open, close]) => {
        const nd = jinjaDepth(token, d, open, close);
        if (nd !== d && !appended) {
          params.push(token);
          appended = true;
        }
        return nd;
      });
      [printDepth, blockDepth, commentDepth] = next as [number, number, number];
      if (!(printDepth || blockDepth || commentDepth) && !insideQuotes && !appended && token !== "") {
        params.push(token);
      }
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !lineContinuation) appendToLast("\n");
  });

  if (printDepth || blockDepth || commentDepth || insideQuotes) {
    throw new ArgSplitError(
      `failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`,
    );
  }
  return params;
}

/**
 * `k=v k2='a b' free words` → `{k: "v", k2: "a b", _raw_params: "free words"}`. With `checkRaw` (the free-form
 * modules), only command options are taken as k=v and everything else stays in `_raw_params`.
 */
export function parseKv(args: string, checkRaw = false): Record<string, string> {
  const options: Record<string, string> = {};
  const rawParams: string[] = [];
  for (const orig of splitArgs(args)) {
    const x = decodeEscapes(orig);
    const pos = unescapedEquals(x);
    if (pos === -1) {
      rawParams.push(x.includes("=") ? x.replace(/\\=/g, "=") : orig);
      continue;
    }
    const k = x.slice(0, pos);
    const v = x.slice(pos + 1);
    if (checkRaw && !RAW_MODULE_OPTIONS.has(k)) rawParams.push(orig);
    else options[k.trim()] = unquote(v.trim());
  }
  if (rawParams.length > 0) options["_raw_params"] = joinArgs(rawParams);
  return options;
}

/** Position of the first `=` after index 0 that is not escaped, or -1 (splitter.parse_kv's search). */
function unescapedEquals(x: string): number {
  let pos = 0;
  for (;;) {
    pos = x.indexOf("=", pos + 1);
    if (pos === -1) return -1;
    if (x[pos - 1] !== "\\") return pos;
  }
}
