/**
 * How filters, tests and global functions are declared and called. Each receives Python-style positional and
 * keyword arguments plus the render context (for filters like `map` that call other filters, and for anything that
 * needs the controller: lookups, search paths).
 */
import { TemplateRuntimeError, Undefined } from "./values.js";

export interface RenderScope {
  /** Calls another filter by name (used by map/select/...). */
  filter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown;
  /** Applies a test by name (used by select/reject/selectattr). */
  test(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean;
  /** Runs a lookup plugin; `wantList` as query() does. */
  lookup(name: string, terms: unknown[], kwargs: Record<string, unknown>, wantList: boolean): unknown;
  /** Controller directories a relative path is resolved against (role, playbook). */
  readonly baseDir: string;
}

export type FilterFn = (
  value: unknown,
  args: unknown[],
  kwargs: Record<string, unknown>,
  scope: RenderScope,
) => unknown;
export type TestFn = (
  value: unknown,
  args: unknown[],
  kwargs: Record<string, unknown>,
  scope: RenderScope,
) => boolean;

/** Positional argument `i`, or keyword `name`, or the default. */
export function param<T = unknown>(
  args: unknown[],
  kwargs: Record<string, unknown>,
  i: number,
  name: string,
  dflt: T,
): T | unknown {
  if (i < args.length) return args[i];
  if (Object.prototype.hasOwnProperty.call(kwargs, name)) return kwargs[name];
  return dflt;
}

/** Fails on an Undefined argument, as any Python operation on StrictUndefined does. */
export function need<T>(v: T): T {
  if (v instanceof Undefined) v.fail();
  return v;
}

export function expectString(v: unknown, what: string): string {
  need(v);
  if (typeof v !== "string") throw new TemplateRuntimeError(`${what} expects a string`, "type");
  return v;
}
