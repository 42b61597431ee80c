/**
 * Jinja2 syntax on top of nunjucks' lexer and parser. nunjucks is close to Jinja2 but reads a few things
 * differently, so the tokenizer and parser are specialised here rather than pre-processing the source text:
 * - string literals: nunjucks drops the backslash of unknown escapes (`'\s'` → `s`); Jinja2 decodes like Python
 *   (`\s` stays), and Ansible keeps backslashes literal inside `{{ }}` of playbook strings (escape_backslashes);
 * - slices `x[1:]`, `x[::-1]` and numeric attributes `x.0`, which nunjucks' parser rejects;
 * - float literals (`1.0` must stay a float so it prints as `1.0`).
 */
import {
  lexer,
  nj,
  nodes,
  tokenType,
  type NjNode,
  type NjParser,
  type NjToken,
  type NjTokenizer,
} from "./nunjucks-internals.js";

export interface SyntaxOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /** Ansible's escape_backslashes: string literals inside `{{ }}` keep their backslashes as written. */
  rawStringsInVariables: boolean;
}

const T = {
  string: tokenType("TOKEN_STRING"),
  varStart: tokenType("TOKEN_VARIABLE_START"),
  varEnd: tokenType("TOKEN_VARIABLE_END"),
  lbracket: tokenType("TOKEN_LEFT_BRACKET"),
  rbracket: tokenType("TOKEN_RIGHT_BRACKET"),
  lparen: tokenType("TOKEN_LEFT_PAREN"),
  lcurly: tokenType("TOKEN_LEFT_CURLY"),
  comment: tokenType("TOKEN_COMMENT"),
  rcurly: tokenType("TOKEN_RIGHT_CURLY"),
  string_: tokenType("TOKEN_STRING"),
  none: tokenType("TOKEN_NONE"),
  boolean: tokenType("TOKEN_BOOLEAN"),
  colon: tokenType("TOKEN_COLON"),
  operator: tokenType("TOKEN_OPERATOR"),
  symbol: tokenType("TOKEN_SYMBOL"),
  int: tokenType("TOKEN_INT"),
  float: tokenType("TOKEN_FLOAT"),
};

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\n": "",
};

/** Python's unicode-escape decoding of a string literal body; unknown escapes keep their backslash. */
export function decodePythonEscapes(raw: string): string {
  return raw.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g,
    (m, e: string) => {
      if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e] as string;
      if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
      if (/^[0-7]+$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
      return m;
    },
  );
}

function makeTokenizer(src: string, opts: SyntaxOptions): NjTokenizer {
  const tok = lexer.lex(src, { trimBlocks: opts.trimBlocks, lstripBlocks: opts.lstripBlocks });
  const proto = Object.getPrototypeOf(tok) as NjTokenizer;
  let inVariable = false;
  let curlies = 0;
  const pending: NjToken[] = [];
  tok.nextToken = function nextToken(): NjToken | null {
    if (pending.length) return pending.shift() as NjToken;
    let t = proto.nextToken.call(this);
    if (!t) return t;
    if (t.type === T.varStart) {
      inVariable = true;
      curlies = 0;
    } else if (t.type === T.lcurly) curlies++;
    else if (t.type === T.rcurly) curlies--;
    else if (t.type === T.varEnd && curlies > 0 && t.value === "}}") {
      // `{{ {'a': {'b': 1}} }}`: Jinja2 balances braces, so this `}}` closes a dict, not the expression.
      curlies--;
      this.back();
      this.in_code = true;
      t = { ...t, type: T.rcurly, value: "}" };
    } else if (t.type === T.varEnd) inVariable = false;
    else if (t.type === T.comment && opts.trimBlocks && this.current() === "\n") {
      // Jinja2's trim_blocks also drops the newline after a comment; nunjucks only does it after blocks.
      this.forward();
    } else if (t.type === T.float && t.value.endsWith(".")) {
      // `users.0.name`: Jinja2 needs digits after the dot for a float, so this is `0` then `.`.
      const dot: NjToken = { ...t, type: T.operator, value: ".", colno: t.colno + t.value.length - 1 };
      pending.push(dot);
      t = { ...t, type: T.int, value: t.value.slice(0, -1) };
    }
    return t;
  };
  tok._parseString = function parseString(delimiter: string): string {
    this.forward();
    let raw = "";
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() === "\\") {
        raw += "\\";
        this.forward();
      }
      raw += this.current();
      this.forward();
    }
    this.forward();
    return inVariable && opts.rawStringsInVariables ? raw : decodePythonEscapes(raw);
  };
  return tok;
}

/** Marks an Array node built by the parser as the `[start:stop:step]` of a slice. */
export const SLICE = Symbol("slice");
/** Marks a LookupVal written `x.name` (Jinja2's getattr) rather than `x[key]` (getitem). */
export const ATTR = Symbol("attr");
/** Marks a Literal that was written as a float (`1.0`). */
export const FLOAT = Symbol("float");

function literal(tok: NjToken, value: unknown): NjNode {
  return new nodes.Literal!(tok.lineno, tok.colno, value);
}

class PyParser extends (nj.parser.Parser as unknown as new (tokens: NjTokenizer) => NjParser) {
  parsePrimary(noPostfix?: boolean): NjNode {
    const tok = this.peekToken();
    if (tok?.type === T.float) {
      this.nextToken();
      const node = literal(tok, parseFloat(tok.value));
      (node as unknown as Record<symbol, boolean>)[FLOAT] = true;
      return noPostfix ? node : this.parsePostfix(node);
    }
    return (
      Object.getPrototypeOf(PyParser.prototype) as { parsePrimary: (n?: boolean) => NjNode }
    ).parsePrimary.call(this, noPostfix);
  }

  parsePostfix(start: NjNode): NjNode {
    let node = start;
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === T.lparen) {
        node = new nodes.FunCall!(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === T.lbracket) {
        this.nextToken();
        node = new nodes.LookupVal!(tok.lineno, tok.colno, node, this.parseSubscript(tok));
      } else if (tok.type === T.operator && tok.value === ".") {
        this.nextToken();
        const val = this.nextToken();
        if (!val || (val.type !== T.symbol && val.type !== T.int))
          this.fail(
            `expected name as lookup value, got ${val?.value ?? "end of template"}`,
            val?.lineno,
            val?.colno,
          );
        const key = val.type === T.int ? parseInt(val.value, 10) : val.value;
        node = new nodes.LookupVal!(tok.lineno, tok.colno, node, literal(val, key));
        (node as unknown as Record<symbol, boolean>)[ATTR] = true;
      } else break;
    }
    return node;
  }

  /** `x is [not] name`, `x is name(args)` and Jinja2's one-argument form without parentheses: `x is eq 5`. */
  parseIs(): NjNode {
    const node = this.parseCompare() as NjNode;
    const isTok = this.peekToken();
    if (!(isTok?.type === T.symbol && isTok.value === "is")) return node;
    this.nextToken();
    const not = this.peekToken();
    const negate = not?.type === T.symbol && not.value === "not";
    if (negate) this.nextToken();
    const nameTok = this.nextToken();
    if (!nameTok) this.fail("expected test name", isTok.lineno, isTok.colno);
    let name: string;
    if (nameTok.type === T.none) name = "none";
    else if (nameTok.type === T.symbol || nameTok.type === T.boolean) name = nameTok.value;
    else this.fail(`expected test name, got '${nameTok.value}'`, nameTok.lineno, nameTok.colno);
    while (this.peekToken()?.type === T.operator && this.peekToken()?.value === ".") {
      this.nextToken();
      name += "." + (this.nextToken()?.value ?? "");
    }
    const sym = new nodes.Symbol!(nameTok.lineno, nameTok.colno, name);
    let right: NjNode = sym;
    const next = this.peekToken();
    if (next?.type === T.lparen) {
      right = new nodes.FunCall!(nameTok.lineno, nameTok.colno, sym, this.parseSignature());
    } else if (next && this.startsTestArgument(next)) {
      const arg = this.parsePrimary() as NjNode;
      right = new nodes.FunCall!(
        nameTok.lineno,
        nameTok.colno,
        sym,
        new nodes.NodeList!(arg.lineno, arg.colno, [arg]),
      );
    }
    let result = new nodes.Is!(node.lineno, node.colno, node, right);
    if (negate) result = new nodes.Not!(node.lineno, node.colno, result);
    return result;
  }

  private startsTestArgument(t: NjToken): boolean {
    if (t.type === T.symbol)
      return !["else", "or", "and", "if", "in", "not", "is", "recursive"].includes(t.value);
    return [T.string_, T.int, T.float, T.lbracket, T.lcurly, T.none, T.boolean].includes(t.type);
  }

  /** After `[`: an index expression or a slice, up to and including `]`. */
  private parseSubscript(open: NjToken): NjNode {
    const parts: NjNode[] = [];
    let isSlice = false;
    for (;;) {
      const t = this.peekToken();
      if (t?.type === T.colon || t?.type === T.rbracket) parts.push(literal(open, null));
      else parts.push(this.parseExpression());
      if (this.skip(T.colon)) {
        isSlice = true;
        if (parts.length === 3) this.fail("invalid slice", open.lineno, open.colno);
        continue;
      }
      if (!this.skip(T.rbracket)) this.fail("expected ']'", open.lineno, open.colno);
      break;
    }
    if (!isSlice) return parts[0] as NjNode;
    while (parts.length < 3) parts.push(literal(open, null));
    const arr = new nodes.Array!(open.lineno, open.colno, parts);
    (arr as unknown as Record<symbol, boolean>)[SLICE] = true;
    return arr;
  }
}

export function parseTemplate(src: string, opts: SyntaxOptions): NjNode {
  const parser = new PyParser(makeTokenizer(src, opts));
  return parser.parseAsRoot();
}
