/**
 * Typed handles on the parts of nunjucks we build on (lexer, parser, AST nodes, compiler, runtime). The public
 * typings only describe Environment/Template; templating with Python semantics needs the layers underneath.
 */
import nunjucks from "nunjucks";

/** An AST node; the fields differ per node type, so they are reached by name. */
export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  value?: unknown;
  children: NjNode[];
  [field: string]: unknown;
}

export type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => NjNode;

export interface NjToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

export interface NjTokenizer {
  nextToken(): NjToken | null;
  _parseString(delimiter: string): string;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  back(): void;
  in_code: boolean;
  [k: string]: unknown;
}

interface NjInternals {
  lexer: { lex(src: string, opts: object): NjTokenizer; [tokenType: string]: unknown };
  parser: { Parser: new (tokens: NjTokenizer) => NjParser };
  nodes: Record<string, NodeClass>;
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => NjCompiler };
  runtime: Record<string, unknown> & {
    Frame: new () => NjFrame;
    SafeString: new (s: string) => object;
    makeKeywordArgs(o: object): object;
  };
  lib: { TemplateError: new (message: string | Error, lineno?: number, colno?: number) => Error };
}

export interface NjParser {
  tokens: NjTokenizer;
  peekToken(): NjToken | null;
  nextToken(withWhitespace?: boolean): NjToken | null;
  pushToken(tok: NjToken): void;
  skip(type: string): boolean;
  fail(msg: string, lineno?: number, colno?: number): never;
  parseExpression(): NjNode;
  parseAsRoot(): NjNode;
  parseSignature(tolerant?: boolean, noParens?: boolean): NjNode;
  parseCompare(): NjNode;
  [k: string]: unknown;
}

export interface NjCompiler {
  buffer: string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  _tmpid(): string;
  _withScopedSyntax(fn: () => void): void;
  _compileExpression(node: NjNode, frame: NjFrame): void;
  _compileAggregate(node: NjNode, frame: NjFrame, start: string, end: string): void;
  _templateName(): string;
  compile(node: NjNode, frame: NjFrame): void;
  compileLiteral(node: NjNode, frame?: NjFrame): void;
  fail(msg: string, lineno?: number, colno?: number): never;
  getCode(): string;
  [k: string]: unknown;
}

export interface NjFrame {
  variables: Record<string, unknown>;
  parent?: NjFrame;
  topLevel: boolean;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  lookup(name: string): unknown;
  push(isolateWrites?: boolean): NjFrame;
  pop(): NjFrame;
}

export const nj = nunjucks as unknown as NjInternals;
export const lexer = nj.lexer;
export const nodes = nj.nodes;
export const njRuntime = nj.runtime;
export const TemplateError = nj.lib.TemplateError;

export function tokenType(name: string): string {
  return lexer[name] as string;
}
