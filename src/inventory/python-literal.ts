/**
 * Python's `ast.literal_eval` as Ansible's INI inventory applies it to every variable value: `2222` becomes a number,
 * `True` a boolean, `[1, 2]` a list, `'quoted'` a string; anything that is not a Python literal stays the raw text.
 * Tuples and sets become arrays (what they turn into in JSON). Complex numbers, f-strings and `\N{...}` escapes are
 * not literals we model; they stay raw text, which is also what a failed literal_eval gives.
 */
class NotLiteral extends Error {}

type Tok =
  | { kind: "num"; value: number; float: boolean }
  | { kind: "str"; value: string; bytes: boolean }
  | { kind: "name"; value: string }
  | { kind: "op"; value: string };

const DIGITS = "(?:\\d(?:_?\\d)*)";
const FLOAT_RE = new RegExp(
  `^(?:(?:${DIGITS}?\\.${DIGITS}|${DIGITS}\\.)(?:[eE][+-]?${DIGITS})?|${DIGITS}[eE][+-]?${DIGITS})`,
);
const INT_RE = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)/;

function numberToken(src: string, i: number): { tok: Tok; end: number } {
  const rest = src.slice(i);
  const f = FLOAT_RE.exec(rest);
  const n = INT_RE.exec(rest);
  let text: string;
  let value: number;
  if (f && (!n || f[0].length >= n[0].length)) {
    text = f[0];
    value = Number(text.replace(/_/g, ""));
  } else if (n) {
    text = n[0];
    const clean = text.replace(/_/g, "");
    value = /^0[oO]/.test(clean) ? parseInt(clean.slice(2), 8) : Number(clean);
  } else throw new NotLiteral();
  const end = i + text.length;
  // `1j`, `010`, `1abc` are complex numbers or syntax errors: never literals we model.
  if (/^[\w.]/u.test(src.slice(end, end + 1))) throw new NotLiteral();
  return { tok: { kind: "num", value, float: text === f?.[0] }, end };
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
  "\n": "",
};

function unescape(body: string, bytes: boolean): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      if (bytes && c.charCodeAt(0) > 127) throw new NotLiteral();
      out += c;
      continue;
    }
    const e = body[++i] ?? "";
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length - 1;
    } else if (e === "x" || (!bytes && (e === "u" || e === "U"))) {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new NotLiteral();
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new NotLiteral();
      out += String.fromCodePoint(cp);
      i += len;
    } else if (e === "N" && !bytes) throw new NotLiteral();
    else out += "\\" + e; // Python keeps unknown escapes as written
  }
  return out;
}

function stringToken(src: string, i: number): { tok: Tok; end: number } | undefined {
  const m = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(src.slice(i));
  if (!m) return undefined;
  const prefix = m[1]!.toLowerCase();
  if (!["", "r", "u", "b", "br", "rb"].includes(prefix)) {
    if (prefix.includes("f")) throw new NotLiteral();
    return undefined;
  }
  const quote = m[2]!;
  const raw = prefix.includes("r");
  const bytes = prefix.includes("b");
  let j = i + m[0].length;
  const start = j;
  for (;;) {
    if (j >= src.length) throw new NotLiteral();
    if (src[j] === "\\") {
      j += 2;
      continue;
    }
    if (quote.length === 1 && src[j] === "\n") throw new NotLiteral();
    if (src.startsWith(quote, j)) break;
    j++;
  }
  const body = src.slice(start, j);
  let value: string;
  if (raw) {
    if (bytes && /[^\x00-\x7f]/.test(body)) throw new NotLiteral();
    value = body;
  } else value = unescape(body, bytes);
  return { tok: { kind: "str", value, bytes }, end: j + quote.length };
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\f" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const { tok, end } = numberToken(src, i);
      toks.push(tok);
      i = end;
    } else if ("[](){},:+-".includes(c)) {
      toks.push({ kind: "op", value: c });
      i++;
    } else {
      const s = stringToken(src, i);
      if (s) {
        toks.push(s.tok);
        i = s.end;
        continue;
      }
      const name = nameAt(src.slice(i));
      if (name === undefined) throw new NotLiteral();
      toks.push({ kind: "name", value: name });
      i += name.length;
    }
  }
  return toks;
}

/** A Python identifier at the start of `rest`. ASCII first: the Unicode pattern costs ~1 ms to compile, and it is
 * needed only where a name has (or starts with) a non-ASCII character. */
function nameAt(rest: string): string | undefined {
  const ascii = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
  const next = rest.charCodeAt(ascii?.length ?? 0);
  if (!(next >= 0x80)) return ascii;
  return /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest)?.[0];
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.value === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new NotLiteral();
    this.pos++;
  }

  /** The whole input: one expression, or a bare tuple `1, 2`. */
  parseTop(): unknown {
    const first = this.parseValue();
    let result = first;
    if (this.isOp(",")) {
      const items = [first];
      while (this.isOp(",")) {
        this.pos++;
        if (this.pos >= this.toks.length) break;
        items.push(this.parseValue());
      }
      result = items;
    }
    if (this.pos !== this.toks.length) throw new NotLiteral();
    return result;
  }

  private parseValue(): unknown {
    const t = this.peek();
    if (!t) throw new NotLiteral();
    if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
      this.pos++;
      const n = this.peek();
      // literal_eval allows one sign, directly on a number (not on True, not twice)
      if (n?.kind !== "num") throw new NotLiteral();
      this.pos++;
      this.rejectBinaryOp();
      if (t.value === "+") return n.value;
      return n.value === 0 && !n.float ? 0 : -n.value; // Python ints have no -0
    }
    this.pos++;
    switch (t.kind) {
      case "num":
        this.rejectBinaryOp();
        return t.value;
      case "str":
        return this.concatStrings(t);
      case "name":
        if (t.value === "True") return true;
        if (t.value === "False") return false;
        if (t.value === "None") return null;
        throw new NotLiteral();
      case "op":
        if (t.value === "[") return this.parseSequence("]");
        if (t.value === "(") return this.parseParens();
        if (t.value === "{") return this.parseBrace();
        throw new NotLiteral();
    }
  }

  /** `1 + 2` is only a literal when the right side is complex, which we never produce. */
  private rejectBinaryOp(): void {
    if (this.isOp("+") || this.isOp("-")) throw new NotLiteral();
  }

  /** Adjacent string literals join, but str and bytes cannot mix. */
  private concatStrings(first: Extract<Tok, { kind: "str" }>): string {
    let value = first.value;
    for (let t = this.peek(); t?.kind === "str"; t = this.peek()) {
      if (t.bytes !== first.bytes) throw new NotLiteral();
      value += t.value;
      this.pos++;
    }
    return value;
  }

  private parseSequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseValue());
      if (this.isOp(",")) this.pos++;
      else if (!this.isOp(close)) throw new NotLiteral();
    }
    this.pos++;
    return items;
  }

  private parseParens(): unknown {
    if (this.isOp(")")) {
      this.pos++;
      return [];
    }
    const first = this.parseValue();
    if (this.isOp(")")) {
      this.pos++;
      return first; // `(1)` is just 1, only a comma makes a tuple
    }
    this.expectOp(",");
    const rest = this.parseSequence(")");
    return [first, ...rest];
  }

  private parseBrace(): unknown {
    if (this.isOp("}")) {
      this.pos++;
      return {};
    }
    const first = this.parseValue();
    if (!this.isOp(":")) {
      // a set: JSON has no sets, Ansible's JSON output shows them as lists
      if (this.isOp("}")) {
        this.pos++;
        return [first];
      }
      this.expectOp(",");
      return dedupe([first, ...this.parseSequence("}")]);
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.expectOp(":");
      if (typeof key === "object" && key !== null) throw new NotLiteral(); // unhashable key
      out[pyKey(key)] = this.parseValue();
      if (this.isOp(",")) this.pos++;
      if (this.isOp("}")) {
        this.pos++;
        return out;
      }
      key = this.parseValue();
    }
  }
}

function pyKey(key: unknown): string {
  if (key === true) return "true";
  if (key === false) return "false";
  if (key === null) return "null";
  return String(key);
}

function dedupe(items: unknown[]): unknown[] {
  return [...new Set(items)];
}

/**
 * Evaluate `text` like `ast.literal_eval`; `{ ok: false }` when it is not a Python literal (Ansible then keeps the
 * raw string).
 */
export function pythonLiteral(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    // Python 3.11's literal_eval ignores leading spaces and tabs.
    const toks = tokenize(text.replace(/^[ \t]+/, ""));
    return { ok: true, value: new Parser(toks).parseTop() };
  } catch (e) {
    if (e instanceof NotLiteral) return { ok: false };
    throw e;
  }
}

/** What Ansible's INI plugin stores for a value: the literal if it is one, else the text itself. */
export function iniValue(text: string): unknown {
  const r = pythonLiteral(text);
  return r.ok ? r.value : text;
}
