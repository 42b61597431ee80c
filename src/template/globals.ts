/**
 * Global functions templates can call: Jinja2's range/dict/namespace and Ansible's lookup/query/q/undef/now,
 * plus `omit`.
 */
import { num, Namespace, PyFunction, pyStr, TemplateRuntimeError, truthy, Undefined } from "./values.js";
import type { RenderScope } from "./registry.js";

function range(args: unknown[]): number[] {
  const [start, stop, step] =
    args.length === 1
      ? [0, num(args[0]), 1]
      : [num(args[0]), num(args[1]), args.length > 2 ? num(args[2]) : 1];
  if (step === 0) throw new TemplateRuntimeError("range() arg 3 must not be zero", "value");
  const out: number[] = [];
  if (Math.abs((stop - start) / step) > 100_000)
    throw new TemplateRuntimeError(
      "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).",
      "other",
    );
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

export function makeGlobals(scope: RenderScope & { omit: string }): Record<string, unknown> {
  const lookup =
    (wantDefault: boolean) =>
    (args: unknown[], kwargs: Record<string, unknown>): unknown => {
      const [name, ...terms] = args;
      for (const t of terms) if (t instanceof Undefined) t.fail();
      const wantList = wantDefault || truthy(kwargs.wantlist ?? false);
      return scope.lookup(pyStr(name), terms, kwargs, wantList);
    };
  return {
    omit: scope.omit,
    range: new PyFunction("range", (args) => range(args)),
    dict: new PyFunction("dict", (args, kwargs) => ({ ...(args[0] as object | undefined), ...kwargs })),
    namespace: new PyFunction("namespace", (args, kwargs) => {
      const ns = new Namespace();
      Object.assign(ns.attrs, args[0] ?? {}, kwargs);
      return ns;
    }),
    lookup: new PyFunction("lookup", lookup(false)),
    query: new PyFunction("query", lookup(true)),
    q: new PyFunction("q", lookup(true)),
    undef: new PyFunction(
      "undef",
      (args) =>
        new Undefined(args[0] === undefined ? "Mandatory variable has not been overridden" : pyStr(args[0])),
    ),
    now: new PyFunction("now", (args, kwargs) => {
      const utc = truthy(args[0] ?? kwargs.utc ?? false);
      const d = new Date();
      const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
      const [y, mo, da, h, mi, s] = utc
        ? [
            d.getUTCFullYear(),
            d.getUTCMonth() + 1,
            d.getUTCDate(),
            d.getUTCHours(),
            d.getUTCMinutes(),
            d.getUTCSeconds(),
          ]
        : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
      return `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(d.getMilliseconds() * 1000, 6)}`;
    }),
  };
}
