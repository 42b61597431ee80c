/**
 * Compiling and running templates. A template's source is parsed and compiled to JavaScript once and cached by its
 * text and options (templating is the hot path: thousands of small strings per run), then rendered against a
 * RenderHost. There is no nunjucks Environment: the generated code only needs the small `env` object built here.
 */
import { compileToCode } from "./compiler.js";
import { njRuntime, TemplateError as NjTemplateError, type NjFrame } from "./nunjucks-internals.js";
import { PyContext, runtime, type RenderHost } from "./runtime.js";
import { parseTemplate, type SyntaxOptions } from "./syntax.js";
import { TemplateRuntimeError } from "./values.js";

type RenderFn = (
  env: unknown,
  context: PyContext,
  frame: NjFrame,
  rt: unknown,
  cb: (err: unknown, res?: string) => void,
) => void;

export interface CompiledTemplate {
  /** The file path (template files) or undefined (strings from playbooks). */
  readonly name: string | undefined;
  readonly root: RenderFn;
  readonly blocks: Record<string, RenderFn>;
}

/** A template that failed, with the line within the template (1-based) when known. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly kind: "syntax" | "undefined" | "runtime",
    readonly line?: number,
    readonly column?: number,
    readonly templateName?: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "TemplateError";
  }
}

const cache = new Map<string, CompiledTemplate>();
const CACHE_LIMIT = 20_000;

/** nunjucks parser messages, reworded the way Jinja2 reports the same mistakes. */
function jinjaMessage(msg: string): string {
  const unknownTag = /^unknown block tag: (\S+)/.exec(msg);
  if (unknownTag) return `Encountered unknown tag '${unknownTag[1]}'.`;
  const unexpected = /^unexpected token: (.*)$/.exec(msg);
  if (unexpected) return `unexpected '${unexpected[1]}'`;
  if (/expected (variable|block) end/.test(msg) || /^expected (end of|block end)/.test(msg))
    return msg.replace(/^parse\w+: /, "");
  return msg.replace(/^parse\w+: /, "").replace(/^Template render error: /, "");
}

export function compileTemplate(source: string, opts: SyntaxOptions, name?: string): CompiledTemplate {
  const key = `${opts.trimBlocks ? 1 : 0}${opts.lstripBlocks ? 1 : 0}${opts.rawStringsInVariables ? 1 : 0}${name ?? ""}\0${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let props: Record<string, RenderFn>;
  try {
    const code = compileToCode(parseTemplate(source, opts), name ?? "");
    props = new Function(code)() as Record<string, RenderFn>;
  } catch (e) {
    const err = e as Error & { lineno?: number; colno?: number };
    const raw = err.message.replace(/^\(.*?\)\s*(\[Line \d+, Column \d+\])?\s*/s, "").trim();
    throw new TemplateError(
      jinjaMessage(raw),
      "syntax",
      err.lineno || undefined,
      err.colno || undefined,
      name,
    );
  }
  const blocks: Record<string, RenderFn> = {};
  for (const [k, fn] of Object.entries(props)) if (k.startsWith("b_")) blocks[k.slice(2)] = fn;
  const compiled: CompiledTemplate = { name, root: props.root as RenderFn, blocks };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Turns whatever a render threw into a TemplateError carrying the template line. */
function asTemplateError(e: unknown, name: string | undefined): TemplateError {
  let err: unknown = e;
  let line: number | undefined;
  let column: number | undefined;
  // nunjucks wraps errors (TemplateError with .cause); an included template's error is already ours.
  while (err instanceof Error && !(err instanceof TemplateError) && !(err instanceof TemplateRuntimeError)) {
    const located = err as Error & { lineno?: number; colno?: number; cause?: unknown };
    if (located.lineno !== undefined && line === undefined) {
      line = located.lineno + 1;
      column = (located.colno ?? 0) + 1;
    }
    if (!(err instanceof NjTemplateError) || located.cause === undefined) break;
    err = located.cause;
  }
  if (err instanceof TemplateError) return err;
  if (err instanceof TemplateRuntimeError)
    return new TemplateError(
      err.message,
      err.kind === "undefined" ? "undefined" : "runtime",
      line,
      column,
      name,
      err,
    );
  return new TemplateError(err instanceof Error ? err.message : String(err), "runtime", line, column, name);
}

export interface RenderResult {
  text: string;
  context: PyContext;
}

/** Renders a compiled template. `parent` and `frame` are given for `{% include %}` (shares variables and loop vars). */
export function renderCompiled(
  t: CompiledTemplate,
  host: RenderHost,
  parent?: PyContext,
  frame?: unknown,
): RenderResult {
  const context = new PyContext(host, t.blocks);
  if (parent) Object.assign(context.locals, parent.locals);
  const top = frame ? (frame as NjFrame).push(true) : new njRuntime.Frame();
  top.topLevel = true;
  const env = {
    opts: { autoescape: false },
    getTemplate(
      name: string,
      _eager: boolean,
      parentName: string | null,
      _ignoreMissing: boolean,
      cb: (err: unknown, tmpl?: unknown) => void,
    ) {
      // `{% import %}`: render the macro file once and hand back its exports.
      try {
        const child = host.loadTemplate(name, parentName ?? undefined);
        cb(null, {
          getExported(...args: unknown[]) {
            const done = args[args.length - 1] as (err: unknown, exported?: unknown) => void;
            try {
              done(null, renderCompiled(child, host).context.getExported());
            } catch (e) {
              done(e);
            }
          },
        });
      } catch (e) {
        cb(e);
      }
    },
  };
  let text = "";
  let failure: unknown;
  t.root(env, context, top, runtime, (err, res) => {
    failure = err;
    text = res ?? "";
  });
  if (failure) throw asTemplateError(failure, t.name);
  return { text, context };
}
