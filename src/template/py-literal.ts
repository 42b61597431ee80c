/**
 * Python's ast.literal_eval for the text Ansible re-reads after templating (jinja2_native off): a rendered string
 * that starts with `[` or `{` or equals True/False becomes a list, dict or bool again. JSON's true/false/null are
 * accepted too, as Ansible's Json2Python does. Anything that isn't a literal leaves the text unchanged (undefined).
 */
import { decodePythonEscapes } from "./syntax.js";
import { keyOf } from "./operators.js";
import { PyFloat, tuple } from "./values.js";

class Fail extends Error {}

export function literalEval(src: string): { ok: true; value: unknown } | { ok: false } {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /[ \t\n\r\f\v]/.test(src[i] as string)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = src[i];
    if (c === "[") return seq("]");
    if (c === "(") {
      return tuple(seq(")"));
    }
    if (c === "{") return dict();
    if (c === "'" || c === '"') {
      let s = str();
      ws();
      // Adjacent string literals concatenate.
      while (src[i] === "'" || src[i] === '"') {
        s += str();
        ws();
      }
      return s;
    }
    const m =
      /^(?:[-+]\s*)?(?:\d[\d_]*\.?[\d_]*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+)|^[A-Za-z_]\w*/.exec(
        src.slice(i),
      );
    if (!m) throw new Fail();
    i += m[0].length;
    const word = m[0];
    const names: Record<string, unknown> = {
      True: true,
      False: false,
      None: null,
      true: true,
      false: false,
      null: null,
    };
    if (word in names) return names[word];
    if (/^[A-Za-z_]/.test(word)) throw new Fail();
    const t = word.replace(/[\s_]/g, "");
    if (/^[-+]?0[xXoObB]/.test(t))
      return Number(t.replace(/^([-+]?)0([xXoObB])/, "$10$2").replace(/^\+/, ""));
    if (/[.eE]/.test(t)) return new PyFloat(parseFloat(t));
    if (/^[-+]?0\d/.test(t)) throw new Fail();
    return parseInt(t, 10);
  };
  const str = (): string => {
    const q = src[i] as string;
    const triple = src.startsWith(q.repeat(3), i);
    const end = triple ? q.repeat(3) : q;
    i += end.length;
    let raw = "";
    while (i < src.length && !src.startsWith(end, i)) {
      if (src[i] === "\\") {
        raw += src.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (!triple && src[i] === "\n") throw new Fail();
      raw += src[i];
      i++;
    }
    if (i >= src.length) throw new Fail();
    i += end.length;
    return decodePythonEscapes(raw);
  };
  const seq = (close: string): unknown[] => {
    i++;
    const out: unknown[] = [];
    for (;;) {
      ws();
      if (src[i] === close) {
        i++;
        return out;
      }
      out.push(value());
      ws();
      if (src[i] === ",") i++;
      else if (src[i] !== close) throw new Fail();
    }
  };
  const dict = (): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      ws();
      if (src[i] === "}") {
        i++;
        return out;
      }
      const k = value();
      ws();
      if (src[i] !== ":") throw new Fail(); // a set literal: not supported as data
      i++;
      const v = value();
      try {
        out[keyOf(k)] = v;
      } catch {
        throw new Fail();
      }
      ws();
      if (src[i] === ",") i++;
      else if (src[i] !== "}") throw new Fail();
    }
  };
  try {
    const v = value();
    ws();
    if (i !== src.length) return { ok: false };
    return { ok: true, value: v };
  } catch (e) {
    if (e instanceof Fail) return { ok: false };
    throw e;
  }
}
