/**
 * Ansible's Templar: templates strings, lists and dicts against a set of variables, with jinja2_native off.
 * Variables are templated lazily when a template reads them (a var holding "{{ other }}" is rendered then, with
 * recursion detection), vaulted values are decrypted on read, `!unsafe` text is never templated. A lone
 * `{{ expr }}` keeps a list/dict/bool result, and rendered text that looks like a Python list/dict/bool literal
 * is read back as one, as Ansible's ansible_eval_concat does.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ExitCode, InfraError, type SourceLocation } from "../util/errors.js";
import { UnsafeText } from "../util/yaml.js";
import { VaultString } from "../vault/vault-string.js";
import { compileTemplate, renderCompiled, TemplateError, type CompiledTemplate } from "./environment.js";
import { canonicalName, filters, UNDEFINED_AWARE_FILTERS } from "./filters/index.js";
import { makeGlobals } from "./globals.js";
import { getLookup, type LookupEnv } from "./lookups/index.js";
import { literalEval } from "./py-literal.js";
import type { PyContext, RenderHost } from "./runtime.js";
import type { SyntaxOptions } from "./syntax.js";
import { tests, UNDEFINED_AWARE_TESTS } from "./tests.js";
import {
  isDict,
  isMapping,
  LazyDict,
  PyFloat,
  pyStr,
  PyTuple,
  TemplateRuntimeError,
  Undefined,
} from "./values.js";

export interface TemplateLoader {
  /** Directories relative names are searched in, most specific first (role dir, then playbook dir). */
  searchPaths: string[];
}

export interface TemplarOptions {
  vars: Record<string, unknown>;
  /** Variables not in `vars` (e.g. hostvars, magic vars computed on demand). Return undefined when absent. */
  lookupVar?: (name: string) => unknown;
  decryptVault: (v: VaultString) => string;
  loader?: TemplateLoader;
}

/** Jinja2 environment settings a template file may change (template module options, `#jinja2:` header). */
export interface FileSyntax {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
}

function throwInfra(
  message: string,
  location: SourceLocation,
  excerpt: string | undefined,
  cause: unknown,
): never {
  throw new InfraError(message, { location, excerpt, cause, exitCode: ExitCode.generic });
}

export interface TemplateCallOptions {
  /** Where the templated value was written (task file:line), for error messages. */
  location?: SourceLocation;
  /** Return text even for a lone `{{ expr }}` (Ansible's convert_data=False). */
  asText?: boolean;
}

/** Ansible's placeholder for `omit`: callers drop any module argument equal to it. */
export const OMIT = "__omit_place_holder__infra__";

const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}$/;
const STRING_SYNTAX: SyntaxOptions = { trimBlocks: true, lstripBlocks: false, rawStringsInVariables: true };
const MARKERS = /\{\{|\{%|\{#/;

/** A failure inside a variable's own template, carried up to name the variable. */
class VariableError extends TemplateRuntimeError {
  constructor(
    readonly inner: TemplateError,
    readonly variable: string,
    readonly text: string,
  ) {
    super(inner.message, inner.kind === "undefined" ? "undefined" : "other");
  }
}

/** Jinja2's lexer: \r\n and \r become \n, and one trailing newline is dropped (keep_trailing_newline off). */
export function normalizeSource(text: string, keepTrailingNewline = false): string {
  const s = text.replace(/\r\n?/g, "\n");
  return !keepTrailingNewline && s.endsWith("\n") ? s.slice(0, -1) : s;
}

export function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === "\n") n++;
  return n;
}

/**
 * Ansible's ansible_eval_concat: the result of a lone expression keeps a list/dict value; otherwise the text gets
 * the source's trailing newlines back and, if it reads as a Python list/dict/bool literal, becomes that value.
 */
function finishString(
  source: string,
  rendered: { text: string; context: PyContext },
  asText: boolean,
): unknown {
  const { text, context } = rendered;
  const single = context.outputs === 1 && text === pyStr(context.lastValue);
  const v = context.lastValue;
  if (!asText && single && ((Array.isArray(v) && !(v instanceof PyTuple)) || isMapping(v))) return v;
  let res = text;
  const missing = trailingNewlines(source) - trailingNewlines(res);
  if (missing > 0) res += "\n".repeat(missing);
  if (asText || (single && context.lastIsText)) return res;
  if (res.startsWith("[") || res.startsWith("{") || res === "True" || res === "False") {
    const lit = literalEval(res);
    if (lit.ok) return lit.value;
  }
  return res;
}

export class Templar implements RenderHost {
  readonly omit = OMIT;
  private readonly cache = new Map<string, { raw: unknown; value: unknown }>();
  private readonly resolving = new Set<string>();
  private readonly globals: Record<string, unknown>;
  readonly baseDir: string;

  constructor(private readonly opts: TemplarOptions) {
    this.globals = makeGlobals(this);
    this.baseDir = opts.loader?.searchPaths[0] ?? process.cwd();
  }

  /** A Templar with extra variables on top (loop `item`, task vars); shares nothing mutable with this one. */
  withVars(extra: Record<string, unknown>): Templar {
    return new Templar({ ...this.opts, vars: { ...this.opts.vars, ...extra } });
  }

  get searchPaths(): string[] {
    return this.opts.loader?.searchPaths ?? [process.cwd()];
  }

  /** True when the string would be changed by templating. */
  isTemplate(value: unknown): boolean {
    return typeof value === "string" && MARKERS.test(value);
  }

  /** Templates a value: strings are rendered, lists and dicts walked (keys too), vault values decrypted. */
  template(value: unknown, opts: TemplateCallOptions = {}): unknown {
    if (typeof value === "string") return this.templateString(value, opts);
    if (value instanceof VaultString) return this.opts.decryptVault(value);
    if (value instanceof UnsafeText) return value.text;
    if (Array.isArray(value)) return value.map((v) => this.template(v, opts));
    if (isDict(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        out[pyStr(this.templateString(k, { ...opts, asText: true }))] = this.template(v, opts);
      return out;
    }
    return value;
  }

  /** Evaluates a `when:`-style condition (a bare Jinja2 expression) to a boolean, as Ansible's Conditional does. */
  evaluate(expr: string, opts: TemplateCallOptions = {}): boolean {
    const text = `{% if ${expr} %}True{% else %}False{% endif %}`;
    return this.run(text, opts, `the conditional check '${expr}'`).text === "True";
  }

  /** The value of a bare expression (`x | default([])`), keeping its native type. */
  expression(expr: string, opts: TemplateCallOptions = {}): unknown {
    const { context } = this.run(`{{ ${expr} }}`, opts, `the expression '${expr}'`);
    return context.lastValue === undefined ? null : context.lastValue;
  }

  private templateString(text: string, opts: TemplateCallOptions): unknown {
    if (!MARKERS.test(text)) return text;
    const single = this.singleVariable(text);
    if (single !== undefined) return single;
    let rendered: { text: string; context: PyContext };
    try {
      rendered = renderCompiled(compileTemplate(normalizeSource(text), STRING_SYNTAX), this);
    } catch (e) {
      throw this.toInfraError(e, text, opts.location);
    }
    return finishString(text, rendered, opts.asText ?? false);
  }

  /**
   * Ansible's shortcut for a lone `{{ name }}` naming a number, bool or None: the value itself, untouched
   * (so `{{ port }}` stays an int where a rendered template would give text).
   */
  private singleVariable(text: string): unknown {
    const m = SINGLE_VAR.exec(text);
    if (!m) return undefined;
    const name = m[1] as string;
    let raw: unknown = Object.prototype.hasOwnProperty.call(this.opts.vars, name)
      ? this.opts.vars[name]
      : undefined;
    if (raw === undefined) raw = this.opts.lookupVar?.(name);
    if (raw === null || typeof raw === "number" || typeof raw === "boolean" || raw instanceof PyFloat)
      return raw;
    return undefined;
  }

  private run(text: string, opts: TemplateCallOptions, what?: string): { text: string; context: PyContext } {
    try {
      const compiled = compileTemplate(normalizeSource(text), STRING_SYNTAX);
      return renderCompiled(compiled, this);
    } catch (e) {
      throw this.toInfraError(e, text, opts.location, what);
    }
  }

  private toInfraError(
    e: unknown,
    text: string,
    location: SourceLocation | undefined,
    what?: string,
  ): InfraError {
    if (e instanceof InfraError) return e;
    if (!(e instanceof TemplateError)) throw e;
    const chain: string[] = [];
    let err: TemplateError = e;
    let innerText = text;
    // A failure inside a variable's value names the variable(s) it came through.
    for (let cause: unknown = (e as { cause?: unknown }).cause; cause instanceof VariableError;) {
      chain.push(`variable '${cause.variable}' ("${cause.text}")`);
      err = cause.inner;
      innerText = cause.text;
      cause = (cause.inner as { cause?: unknown }).cause;
    }
    const subject = what ? `${what}: ` : "";
    const message =
      err.kind === "syntax"
        ? `${subject}template error while templating string: ${err.message}. String: ${innerText}`
        : `${subject}${err.message}. String: ${text}`;
    const hint = chain.length ? `While templating ${chain.join(", then ")}.` : undefined;
    return new InfraError(message, { location, hint, cause: e });
  }

  // ---- RenderHost: how compiled templates reach variables, filters, tests and lookups ----

  resolve(name: string): unknown {
    let raw: unknown = Object.prototype.hasOwnProperty.call(this.opts.vars, name)
      ? this.opts.vars[name]
      : undefined;
    if (raw === undefined) raw = this.opts.lookupVar?.(name);
    if (raw === undefined) {
      if (name in this.globals) return this.globals[name];
      return Undefined.variable(name);
    }
    const cached = this.cache.get(name);
    if (cached && cached.raw === raw) return cached.value;
    const value = this.materialize(raw, name);
    this.cache.set(name, { raw, value });
    return value;
  }

  /** A variable's value as templates see it: decrypted, with its own templates rendered. */
  private materialize(raw: unknown, name: string): unknown {
    if (raw instanceof VaultString) return this.opts.decryptVault(raw);
    if (raw instanceof UnsafeText) return raw.text;
    if (raw instanceof LazyDict || raw === null || (typeof raw !== "object" && typeof raw !== "string"))
      return raw;
    if (typeof raw === "string" && !MARKERS.test(raw)) return raw;
    if (this.resolving.has(name))
      throw new TemplateRuntimeError(`recursive loop detected in template string: ${pyStr(raw)}`, "other");
    this.resolving.add(name);
    try {
      return this.templateVar(raw, name);
    } finally {
      this.resolving.delete(name);
    }
  }

  private templateVar(raw: unknown, name: string): unknown {
    if (typeof raw === "string") {
      if (!MARKERS.test(raw)) return raw;
      const single = this.singleVariable(raw);
      if (single !== undefined) return single;
      try {
        return finishString(
          raw,
          renderCompiled(compileTemplate(normalizeSource(raw), STRING_SYNTAX), this),
          false,
        );
      } catch (e) {
        if (e instanceof TemplateError) throw new VariableError(e, name, raw);
        throw e;
      }
    }
    if (raw instanceof VaultString) return this.opts.decryptVault(raw);
    if (raw instanceof UnsafeText) return raw.text;
    if (Array.isArray(raw)) return raw.map((v) => this.templateVar(v, name));
    if (isDict(raw)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) out[k] = this.templateVar(v, name);
      return out;
    }
    return raw;
  }

  callFilter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const key = canonicalName(name);
    const fn = filters[key];
    if (!fn) throw new TemplateRuntimeError(`No filter named '${name}'.`, "other");
    if (value instanceof Undefined && !UNDEFINED_AWARE_FILTERS.has(key)) value.fail();
    for (const a of args) if (a instanceof Undefined && !UNDEFINED_AWARE_FILTERS.has(key)) a.fail();
    return fn(value, args, kwargs, this);
  }

  callTest(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean {
    const key = canonicalName(name);
    const fn = tests[key];
    if (!fn) throw new TemplateRuntimeError(`No test named '${name}'.`, "other");
    if (value instanceof Undefined && !UNDEFINED_AWARE_TESTS.has(key)) value.fail();
    return fn(value, args, kwargs, this);
  }

  filter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
    return this.callFilter(name, value, args, kwargs);
  }

  test(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean {
    return this.callTest(name, value, args, kwargs);
  }

  lookup(name: string, terms: unknown[], kwargs: Record<string, unknown>, wantList: boolean): unknown {
    const plugin = getLookup(name);
    if (!plugin) throw new TemplateRuntimeError(`lookup plugin (${name}) not found`, "other");
    const errors = pyStr(kwargs.errors ?? "strict");
    const options = { ...kwargs };
    delete options.errors;
    delete options.wantlist;
    let result: unknown[];
    try {
      result = plugin(terms.flat(), options, this.lookupEnv());
    } catch (e) {
      if (errors === "ignore" || errors === "warn") return wantList ? [] : null;
      throw e;
    }
    if (wantList) return result;
    if (result.every((r) => typeof r === "string")) return result.join(",");
    return result.length === 1 ? result[0] : result;
  }

  private lookupEnv(): LookupEnv {
    return {
      searchPaths: this.searchPaths,
      findFile: (name, subdir) => this.findFile(name, subdir),
      variable: (name) => this.resolve(name),
      renderFile: (path, extra) => this.withVars(extra).renderFile(path),
    };
  }

  /** Ansible's find_file_in_search_path: `<path>/<subdir>/<name>`, then `<path>/<name>`, for each search path. */
  findFile(name: string, subdir: string): string | undefined {
    if (isAbsolute(name)) return existsSync(name) ? name : undefined;
    for (const base of this.searchPaths) {
      for (const candidate of [join(base, subdir, name), join(base, name)])
        if (existsSync(candidate)) return candidate;
    }
    return undefined;
  }

  /** Renders a template file with this Templar's variables (the template lookup; the template module adds more). */
  renderFile(path: string, settings: FileSyntax = {}): string {
    return this.renderFileText(readFileSync(path, "utf8"), path, settings);
  }

  /**
   * Renders template-file text as Ansible's do_template does for the template module: Jinja2's lexer drops one
   * trailing newline, then the source's trailing newlines are restored; string literals decode escapes.
   */
  renderFileText(source: string, path: string, settings: FileSyntax = {}): string {
    const syntax: SyntaxOptions = {
      trimBlocks: settings.trimBlocks ?? true,
      lstripBlocks: settings.lstripBlocks ?? false,
      rawStringsInVariables: false,
    };
    try {
      const compiled = compileTemplate(normalizeSource(source, settings.keepTrailingNewline), syntax, path);
      const { text } = renderCompiled(compiled, this);
      const missing = trailingNewlines(source) - trailingNewlines(text);
      return missing > 0 ? text + "\n".repeat(missing) : text;
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const file = e.templateName ?? path;
      const location = { file, line: e.line, column: e.column };
      const excerpt =
        e.line && file === path ? source.replace(/\r\n?/g, "\n").split("\n")[e.line - 1] : undefined;
      const prefix =
        e.kind === "syntax"
          ? "template syntax error"
          : e.kind === "undefined"
            ? "AnsibleUndefinedVariable"
            : "template error";
      return throwInfra(`${prefix}: ${e.message}`, location, excerpt, e);
    }
  }

  private compileFile(source: string, path: string): CompiledTemplate {
    return compileTemplate(
      normalizeSource(source),
      { trimBlocks: true, lstripBlocks: false, rawStringsInVariables: false },
      path,
    );
  }

  loadTemplate(name: string, parentName: string | undefined): CompiledTemplate {
    const dirs = [
      ...(parentName ? [dirname(parentName)] : []),
      ...this.searchPaths.flatMap((p) => [join(p, "templates"), p]),
    ];
    const path = isAbsolute(name) ? name : dirs.map((d) => resolve(d, name)).find((p) => existsSync(p));
    if (!path || !existsSync(path)) throw new TemplateRuntimeError(`template not found: ${name}`, "lookup");
    return this.compileFile(readFileSync(path, "utf8"), path);
  }

  include(name: string, parentName: string | undefined, context: PyContext, frame: unknown): string {
    return renderCompiled(this.loadTemplate(name, parentName), this, context, frame).text;
  }
}
