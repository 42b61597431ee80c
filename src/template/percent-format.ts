/**
 * Python's printf-style `'%s-%05d' % (a, b)` string formatting, which Jinja2 templates get for free from Python and
 * nunjucks does not have at all.
 */
import { isMapping, mappingGet, num, pyRepr, pyStr, TemplateRuntimeError, typeName } from "./values.js";

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

export function percentFormat(format: string, args: unknown): string {
  const positional = Array.isArray(args) ? args : [args];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length)
      throw new TemplateRuntimeError("not enough arguments for format string", "type");
    return positional[next++];
  };
  const out = format.replace(
    SPEC,
    (
      _m,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      prec: string | undefined,
      conv: string,
    ) => {
      if (conv === "%") return "%";
      const w = width === "*" ? num(take()) : width ? Number(width) : 0;
      const p = prec === "*" ? num(take()) : prec !== undefined ? Number(prec) : undefined;
      let value: unknown;
      if (key !== undefined) {
        if (!isMapping(args)) throw new TemplateRuntimeError("format requires a mapping", "type");
        value = mappingGet(args, key);
        if (value === undefined) throw new TemplateRuntimeError(`'${key}'`, "lookup");
      } else value = take();
      return pad(convert(conv, value, flags, p), w, flags, /[diouxXeEfFgG]/.test(conv));
    },
  );
  if (!isMapping(args) && next < positional.length)
    throw new TemplateRuntimeError("not all arguments converted during string formatting", "type");
  return out;
}

function pad(s: string, width: number, flags: string, numeric: boolean): string {
  if (s.length >= width) return s;
  if (flags.includes("-")) return s.padEnd(width);
  if (flags.includes("0") && numeric) {
    const sign = /^[-+ ]/.test(s) ? s[0] : "";
    return sign + s.slice(sign.length).padStart(width - sign.length, "0");
  }
  return s.padStart(width);
}

function signed(n: number, body: string, flags: string): string {
  if (n < 0 || Object.is(n, -0)) return "-" + body;
  if (flags.includes("+")) return "+" + body;
  if (flags.includes(" ")) return " " + body;
  return body;
}

function convert(conv: string, value: unknown, flags: string, prec: number | undefined): string {
  switch (conv) {
    case "s":
      return prec === undefined ? pyStr(value) : pyStr(value).slice(0, prec);
    case "r":
    case "a":
      return pyRepr(value);
    case "c":
      return typeof value === "string" ? value : String.fromCodePoint(num(value));
    case "d":
    case "i":
    case "u": {
      if (typeof value === "string")
        throw new TemplateRuntimeError(`%${conv} format: a number is required, not str`, "type");
      const n = Math.trunc(num(value));
      return signed(n, String(Math.abs(n)), flags);
    }
    case "x":
    case "X":
    case "o": {
      const n = Math.trunc(num(value));
      let body = Math.abs(n).toString(conv === "o" ? 8 : 16);
      if (flags.includes("#")) body = (conv === "o" ? "0o" : "0x") + body;
      return signed(n, conv === "X" ? body.toUpperCase() : body, flags);
    }
    case "f":
    case "F": {
      const n = num(value);
      return signed(n, Math.abs(n).toFixed(prec ?? 6), flags);
    }
    case "e":
    case "E": {
      const n = num(value);
      const [m, e] = Math.abs(n)
        .toExponential(prec ?? 6)
        .split("e") as [string, string];
      const exp = Number(e);
      const body = `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
      return signed(n, conv === "E" ? body.toUpperCase() : body, flags);
    }
    case "g":
    case "G": {
      const n = num(value);
      const p = prec === 0 ? 1 : (prec ?? 6);
      const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
      let body: string;
      if (exp < -4 || exp >= p) body = convert("e", Math.abs(n), "", p - 1).replace(/\.?0+e/, "e");
      else body = Math.abs(n).toFixed(Math.max(0, p - 1 - exp));
      if (!flags.includes("#") && body.includes(".") && !body.includes("e"))
        body = body.replace(/\.?0+$/, "");
      return signed(n, conv === "G" ? body.toUpperCase() : body, flags);
    }
    default:
      throw new TemplateRuntimeError(
        `unsupported format character '${conv}' for ${typeName(value)}`,
        "value",
      );
  }
}
