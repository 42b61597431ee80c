/**
 * Python's `str.format()` (`'{}-{:>5}'.format(a, b)`, `'{name}'.format(name=x)`) with the format-spec
 * mini-language for strings and numbers.
 */
import { itemOf } from "./operators.js";
import {
  floatRepr,
  isFloat,
  isNumber,
  mappingGet,
  isMapping,
  num,
  pyRepr,
  pyStr,
  TemplateRuntimeError,
} from "./values.js";

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

export function formatSpec(value: unknown, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new TemplateRuntimeError(`Invalid format specifier '${spec}'`, "value");
  const [, fillRaw, alignRaw, sign, alt, zero, widthS, group, precS, type] = m;
  const width = widthS ? Number(widthS) : 0;
  const prec = precS !== undefined ? Number(precS) : undefined;
  const numeric = isNumber(value) || typeof value === "boolean";
  let body: string;
  let negative = false;
  if (numeric && type !== "s") {
    const n = num(value);
    negative = n < 0;
    const a = Math.abs(n);
    switch (type) {
      case "d":
      case "n":
        body = String(Math.trunc(a));
        break;
      case "x":
      case "X":
      case "o":
      case "b": {
        const radix = type === "o" ? 8 : type === "b" ? 2 : 16;
        body = (alt ? "0" + (type === "X" ? "x" : type) : "") + Math.trunc(a).toString(radix);
        if (type === "X") body = body.toUpperCase();
        break;
      }
      case "f":
      case "F":
        body = a.toFixed(prec ?? 6);
        break;
      case "e":
      case "E": {
        const [mm, e] = a.toExponential(prec ?? 6).split("e") as [string, string];
        body = `${mm}e${Number(e) < 0 ? "-" : "+"}${String(Math.abs(Number(e))).padStart(2, "0")}`;
        if (type === "E") body = body.toUpperCase();
        break;
      }
      case "%":
        body = (a * 100).toFixed(prec ?? 6) + "%";
        break;
      case "c":
        body = String.fromCodePoint(a);
        break;
      default:
        body =
          prec !== undefined
            ? String(Number(a.toPrecision(Math.max(1, prec))))
            : isFloat(value)
              ? floatRepr(a)
              : String(a);
    }
    if (group) {
      const [int, frac] = body.split(".") as [string, string | undefined];
      body = int.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (frac !== undefined ? "." + frac : "");
    }
  } else {
    body = pyStr(value);
    if (prec !== undefined) body = body.slice(0, prec);
  }
  const signStr = negative ? "-" : numeric && sign === "+" ? "+" : numeric && sign === " " ? " " : "";
  const fill = fillRaw ?? (zero && !alignRaw ? "0" : " ");
  const align = alignRaw ?? (zero ? "=" : numeric && type !== "s" ? ">" : "<");
  const total = signStr.length + body.length;
  if (total >= width) return signStr + body;
  const padding = width - total;
  switch (align) {
    case "<":
      return signStr + body + fill.repeat(padding);
    case ">":
      return fill.repeat(padding) + signStr + body;
    case "=":
      return signStr + fill.repeat(padding) + body;
    default: {
      const left = Math.floor(padding / 2);
      return fill.repeat(left) + signStr + body + fill.repeat(padding - left);
    }
  }
}

function resolveField(
  field: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  auto: () => number,
): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(field) as RegExpExecArray;
  const head = m[1] as string;
  let value: unknown;
  if (head === "") value = args[auto()];
  else if (/^\d+$/.test(head)) value = args[Number(head)];
  else value = kwargs[head];
  if (value === undefined)
    throw new TemplateRuntimeError(
      head === "" || /^\d+$/.test(head) ? "Replacement index out of range" : `'${head}'`,
      "lookup",
    );
  const rest = m[2] as string;
  for (const part of rest.matchAll(/\.(\w+)|\[([^\]]*)\]/g)) {
    const key = part[1] ?? (/^\d+$/.test(part[2] as string) ? Number(part[2]) : part[2]);
    const got =
      isMapping(value) && typeof key === "string"
        ? { found: true, value: mappingGet(value, key) }
        : itemOf(value, key);
    if (!got.found || got.value === undefined) throw new TemplateRuntimeError(`${String(key)}`, "lookup");
    value = got.value;
  }
  return value;
}

export function pyFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let next = 0;
  const auto = (): number => next++;
  let out = "";
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c === "{" && format[i + 1] === "{") {
      out += "{";
      i += 2;
    } else if (c === "}" && format[i + 1] === "}") {
      out += "}";
      i += 2;
    } else if (c === "{") {
      const end = format.indexOf("}", i);
      if (end < 0) throw new TemplateRuntimeError("Single '{' encountered in format string", "value");
      const inner = format.slice(i + 1, end);
      const [, field, conv, spec] = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(inner) ?? [];
      let value = resolveField(field ?? "", args, kwargs, auto);
      if (conv === "r" || conv === "a") value = pyRepr(value);
      else if (conv === "s") value = pyStr(value);
      out += formatSpec(value, spec ?? "");
      i = end + 1;
    } else if (c === "}") {
      throw new TemplateRuntimeError("Single '}' encountered in format string", "value");
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
