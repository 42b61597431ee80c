/**
 * What compiled templates call at run time (`runtime.py.*`, emitted by compiler.ts): variable resolution with
 * Ansible's undefined semantics, Jinja2's getattr/getitem, calls, filters, tests, output finalisation and loops.
 */
import type { CompiledTemplate } from "./environment.js";
import { njRuntime } from "./nunjucks-internals.js";
import * as ops from "./operators.js";
import { pyMethod } from "./py-methods.js";
import type { RenderScope } from "./registry.js";
import {
  isMapping,
  mappingGet,
  Namespace,
  PyFloat,
  PyFunction,
  pyStr,
  strRepr,
  TemplateRuntimeError,
  truthy,
  tuple,
  typeName,
  Undefined,
} from "./values.js";

/** What a render needs from its caller: variables (resolved lazily), filters/tests/lookups, included templates. */
export interface RenderHost extends RenderScope {
  resolve(name: string): unknown;
  callFilter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown;
  callTest(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean;
  /** Compiles a template file named by `{% include %}`/`{% import %}`, relative to the including one. */
  loadTemplate(name: string, parentName: string | undefined): CompiledTemplate;
  /** Renders an included template with the including template's variables and frame. */
  include(name: string, parentName: string | undefined, context: PyContext, frame: unknown): string;
}

/** The `context` object of nunjucks-generated code, backed by a RenderHost instead of a copied dict. */
export class PyContext {
  readonly locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  readonly exported: string[] = [];
  /** The last value written by `{{ }}` and how many were written: used to return native types. */
  lastValue: unknown = undefined;
  /** The last output came from a filter whose text must not be read back as a literal (to_json, string...). */
  lastIsText = false;
  outputs = 0;

  constructor(
    readonly host: RenderHost,
    readonly blocks: Record<string, unknown> = {},
  ) {}

  lookup(name: string): unknown {
    if (name in this.locals) return this.locals[name];
    return this.host.resolve(name);
  }
  setVariable(name: string, value: unknown): void {
    this.locals[name] = value;
  }
  addExport(name: string): void {
    this.exported.push(name);
  }
  getVariables(): Record<string, unknown> {
    return this.locals;
  }
  getExported(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of this.exported) out[name] = this.locals[name];
    return out;
  }
  getBlock(name: string): unknown {
    const block = this.blocks[name];
    if (!block) throw new TemplateRuntimeError(`unknown block "${name}"`);
    return block;
  }
}

/** Jinja2's `loop` variable. */
export class Loop {
  index0 = 0;
  private lastChanged: unknown = Loop;
  constructor(private readonly items: unknown[]) {}
  get(name: string): unknown {
    const n = this.items.length;
    const i = this.index0;
    switch (name) {
      case "index":
        return i + 1;
      case "index0":
        return i;
      case "revindex":
        return n - i;
      case "revindex0":
        return n - i - 1;
      case "first":
        return i === 0;
      case "last":
        return i === n - 1;
      case "length":
        return n;
      case "depth":
        return 1;
      case "depth0":
        return 0;
      case "previtem":
        return i > 0 ? this.items[i - 1] : new Undefined("there is no previous item");
      case "nextitem":
        return i < n - 1 ? this.items[i + 1] : new Undefined("there is no next item");
      case "cycle":
        return new PyFunction("cycle", (args) => {
          if (args.length === 0) throw new TemplateRuntimeError("no items for cycling given", "type");
          return args[i % args.length];
        });
      case "changed":
        return new PyFunction("changed", (args) => {
          const key = JSON.stringify(args.map(pyStr));
          if (key === this.lastChanged) return false;
          this.lastChanged = key;
          return true;
        });
      default:
        return new Undefined(`'LoopContext object' has no attribute ${strRepr(name)}`);
    }
  }
}

function objectTypeRepr(obj: unknown): string {
  return obj === null || obj === undefined ? "None" : `${typeName(obj)} object`;
}

/** Jinja2's getattr: the Python attribute first (methods, namespace/loop fields), then the item. */
function attr(obj: unknown, name: unknown): unknown {
  if (obj instanceof Undefined) return obj;
  if (typeof name !== "string") return item(obj, name);
  if (obj instanceof Loop) return obj.get(name);
  if (obj instanceof Namespace) {
    return name in obj.attrs
      ? obj.attrs[name]
      : new Undefined(`'Namespace object' has no attribute ${strRepr(name)}`);
  }
  const method = pyMethod(obj, name);
  if (method) return method;
  if (isMapping(obj)) {
    const v = mappingGet(obj, name);
    if (v !== undefined) return v;
  }
  return new Undefined(`'${objectTypeRepr(obj)}' has no attribute ${strRepr(name)}`);
}

/** Jinja2's getitem: the item first, then the attribute (so `d['items']` prefers a key named items). */
function item(obj: unknown, key: unknown): unknown {
  if (obj instanceof Undefined) return obj;
  if (key instanceof Undefined) key.fail();
  const got = ops.itemOf(obj, key);
  if (got.found) return got.value;
  if (typeof key === "string") {
    if (obj instanceof Loop || obj instanceof Namespace) return attr(obj, key);
    const method = pyMethod(obj, key);
    if (method) return method;
    return new Undefined(`'${objectTypeRepr(obj)}' has no attribute ${strRepr(key)}`);
  }
  return new Undefined(`${objectTypeRepr(obj)} has no element ${pyStr(key)}`);
}

function call(
  context: PyContext,
  fn: unknown,
  args: unknown[],
  kwargs: Record<string, unknown> | null,
): unknown {
  if (fn instanceof Undefined) fn.fail();
  if (fn instanceof PyFunction) return fn.fn(args, kwargs ?? {});
  if (typeof fn === "function") {
    // A nunjucks macro: keyword arguments travel as a marked trailing object.
    const callArgs = kwargs ? [...args, njRuntime.makeKeywordArgs(kwargs)] : args;
    const result = (fn as (...a: unknown[]) => unknown).apply(context, callArgs);
    return result instanceof njRuntime.SafeString ? String(result) : result;
  }
  throw new TemplateRuntimeError(`'${typeName(fn)}' object is not callable`, "type");
}

function out(context: PyContext, v: unknown, nativeText = false): string {
  if (v instanceof Undefined && !v.lenient) v.fail();
  context.outputs++;
  context.lastValue = v;
  context.lastIsText = nativeText;
  // Ansible's finalize turns None into an empty string.
  if (v === null || v === undefined || v instanceof Undefined) return "";
  return pyStr(v);
}

function unpack(value: unknown, n: number): unknown[] {
  const items = ops.iterate(value);
  if (items.length > n) throw new TemplateRuntimeError(`too many values to unpack (expected ${n})`, "value");
  if (items.length < n)
    throw new TemplateRuntimeError(
      `not enough values to unpack (expected ${n}, got ${items.length})`,
      "value",
    );
  return items;
}

function chain(first: unknown, operators: string[], rest: (() => unknown)[]): boolean {
  let left = first;
  for (let i = 0; i < operators.length; i++) {
    const right = (rest[i] as () => unknown)();
    if (!ops.compare(left, operators[i] as string, right)) return false;
    left = right;
  }
  return true;
}

function setAttr(obj: unknown, key: unknown, value: unknown): void {
  if (!(obj instanceof Namespace))
    throw new TemplateRuntimeError("cannot assign attribute on non-namespace object", "type");
  obj.attrs[String(key)] = value;
}

function dict(pairs: [unknown, unknown][]): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  for (const [k, v] of pairs) d[ops.keyOf(k)] = v;
  return d;
}

export const pyRuntime = {
  PyFloat,
  tuple,
  Loop,
  name(context: PyContext, frame: { lookup(n: string): unknown }, n: string): unknown {
    const v = frame.lookup(n);
    return v !== undefined ? v : context.lookup(n);
  },
  attr,
  item,
  call,
  out,
  unpack,
  chain,
  setAttr,
  dict,
  truthy,
  and: (a: unknown, b: () => unknown): unknown => (truthy(a) ? b() : a),
  or: (a: unknown, b: () => unknown): unknown => (truthy(a) ? a : b()),
  compare: ops.compare,
  contains: ops.contains,
  iterate: ops.iterate,
  slice: ops.slice,
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
  floorDiv: ops.floorDiv,
  mod: ops.mod,
  pow: ops.pow,
  neg: ops.neg,
  pos: ops.pos,
  concat: (a: unknown, b: unknown): string => pyStr(a) + pyStr(b),
  noElse: (line: number): Undefined =>
    new Undefined(
      `the inline if-expression on line ${line} evaluated to false and no else section was defined.`,
      true,
    ),
  filter(
    context: PyContext,
    name: string,
    value: unknown,
    args: unknown[],
    kwargs: Record<string, unknown> | null,
  ) {
    return context.host.callFilter(name, value, args, kwargs ?? {});
  },
  test(
    context: PyContext,
    name: string,
    value: unknown,
    args: unknown[],
    kwargs: Record<string, unknown> | null,
  ) {
    return context.host.callTest(name, value, args, kwargs ?? {});
  },
  include(
    _env: unknown,
    context: PyContext,
    frame: unknown,
    name: unknown,
    ignoreMissing: boolean,
    parent: string,
  ) {
    if (name instanceof Undefined) name.fail();
    try {
      return context.host.include(pyStr(name), parent || undefined, context, frame);
    } catch (e) {
      if (ignoreMissing && e instanceof TemplateRuntimeError && e.kind === "lookup") return "";
      throw e;
    }
  },
};

/** nunjucks' runtime with our Python helpers added under `py`. */
export const runtime: Record<string, unknown> = Object.assign(Object.create(njRuntime) as object, {
  py: pyRuntime,
});
