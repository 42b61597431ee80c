/**
 * YAML as Ansible reads it (YAML 1.1: `yes`/`no` booleans, `0755` octal, `<<` merge keys, `!vault`, `!unsafe`),
 * turned into plain values while remembering where every mapping, sequence and key came from, so that later
 * stages can say "file:line:column" about anything a user wrote.
 */
import { readFileSync } from "node:fs";
import {
  Alias,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  Scalar,
  type Node,
  type ScalarTag,
} from "yaml";
import { ExitCode, InfraError, type SourceLocation } from "./errors.js";
import { VaultString } from "../vault/vault-string.js";
import { assertPrintable, decodeUtf8 } from "./yaml-stream.js";

/** A string Ansible must never template (`!unsafe`). */
export class UnsafeText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

const nodeLocations = new WeakMap<object, SourceLocation>();
const keyLocations = new WeakMap<object, Map<string, SourceLocation>>();

/** Where a mapping or sequence read from YAML starts. */
export function locationOf(value: unknown): SourceLocation | undefined {
  return typeof value === "object" && value !== null ? nodeLocations.get(value) : undefined;
}

/** Where the key `key` of a mapping read from YAML was written (falls back to the mapping). */
export function keyLocationOf(map: unknown, key: string): SourceLocation | undefined {
  if (typeof map !== "object" || map === null) return undefined;
  return keyLocations.get(map)?.get(key) ?? nodeLocations.get(map);
}

/** Attach a location to a value built by code (e.g. a task produced from `k=v` args) so errors still point home. */
export function setLocation(value: object, loc: SourceLocation | undefined): void {
  if (loc) nodeLocations.set(value, loc);
}

const vaultTag: ScalarTag = {
  tag: "!vault",
  resolve: (str: string) => new VaultString(str.trim()),
};
// PyYAML's booleans (what Ansible reads): unlike YAML 1.1's full list, `y` and `n` stay strings.
const pyBool = (value: boolean, test: RegExp): ScalarTag => ({
  tag: "tag:yaml.org,2002:bool",
  default: true,
  test,
  resolve: () => value,
  stringify: ({ value: v }) => (v ? "true" : "false"),
});
const pyTrue = pyBool(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/);
const pyFalse = pyBool(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/);

const unsafeTag: ScalarTag = {
  tag: "!unsafe",
  resolve: (str: string) => new UnsafeText(str),
};

export interface ParsedYaml {
  documents: unknown[];
  source: string;
}

function excerptAt(source: string, line: number): string {
  return source.split("\n")[line - 1] ?? "";
}

/** Parse YAML text. Syntax errors become InfraErrors with file:line:column and the offending line. */
export function parseYaml(source: string, file: string): ParsedYaml {
  assertPrintable(source, file);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, {
    version: "1.1",
    merge: true,
    customTags: (tags) => [
      pyTrue,
      pyFalse,
      ...tags.filter((t) => typeof t === "string" || t.tag !== "tag:yaml.org,2002:bool"),
      vaultTag,
      unsafeTag,
    ],
    lineCounter,
    uniqueKeys: false, // Ansible (PyYAML) lets the last duplicate key win
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    // Tags nobody knows and YAML versions other than 1.x are warnings to `yaml` but errors to PyYAML.
    const err = doc.errors[0] ?? doc.warnings.find((w) => FATAL_WARNINGS.has(w.code));
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      // The parser recurses per nesting level; a stack overflow means thousands of levels, not a parser bug.
      const what = /Maximum call stack/.test(err.message)
        ? "the data is nested too deeply"
        : firstLine(err.message);
      throw new InfraError(`YAML syntax error: ${what}`, {
        location: { file, line: pos.line, column: pos.col },
        excerpt: excerptAt(source, pos.line),
        hint: "Check the indentation and quoting on this line or the one before it.",
        exitCode: ExitCode.parse,
      });
    }
  }
  const at = (node: { range?: [number, number, number] | null } | null | undefined): SourceLocation => {
    const offset = node?.range?.[0] ?? 0;
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const documents = list.map((doc) => convert(doc.contents as Node | null, doc, at, source));
  return { documents, source };
}

const FATAL_WARNINGS = new Set(["TAG_RESOLVE_FAILED", "BAD_DIRECTIVE"]);

/** A construction error (PyYAML's ConstructorError) at a node: undefined alias, unhashable key, bad merge. */
function constructError(
  message: string,
  loc: SourceLocation,
  source: string | undefined,
  hint?: string,
): InfraError {
  return new InfraError(`YAML syntax error: ${message}`, {
    location: loc,
    excerpt: source === undefined || loc.line === undefined ? undefined : excerptAt(source, loc.line),
    hint: hint ?? "Check the indentation and quoting on this line or the one before it.",
    exitCode: ExitCode.parse,
  });
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

type LocateFn = (node: { range?: [number, number, number] | null } | null | undefined) => SourceLocation;

function convert(
  node: Node | Alias | null | undefined,
  doc: Document,
  at: LocateFn,
  source?: string,
): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc) as Node | undefined;
    if (!target)
      throw constructError(
        `found undefined alias '${node.source}'`,
        at(node),
        source,
        "Define the anchor (&name) before using it as *name.",
      );
    return convert(target, doc, at, source);
  }
  if (isScalar(node)) {
    // `!vault` values carry their own file:line so a failed decryption can name where the value was written.
    if (node.value instanceof VaultString) return new VaultString(node.value.ciphertext, at(node));
    return scalarValue(node);
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    nodeLocations.set(out, at(node));
    for (const item of node.items) out.push(convert(item as Node, doc, at, source));
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, SourceLocation>();
    nodeLocations.set(out, at(node));
    keyLocations.set(out, keys);
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (isMap(keyNode) || isSeq(keyNode))
        // PyYAML cannot use a mapping or list as a key; the usual cause is an unquoted `{{ var }}` value.
        throw constructError("found unhashable key", at(keyNode), source, UNHASHABLE_HINT);
      const rawKey = isScalar(keyNode) ? keyNode.value : convert(keyNode, doc, at, source);
      if (isScalar(keyNode) && keyNode.source === "<<") {
        const merged = convert(pair.value as Node, doc, at, source);
        if (!isMergeable(merged))
          throw constructError(
            `expected a mapping or list of mappings for merging, but found ${typeof merged === "object" ? "a list of other values" : typeof merged}`,
            at(pair.value as Node),
            source,
            "Merge (<<) only mappings: `<<: *anchor` or `<<: [*a, *b]`.",
          );
        mergeInto(out, keys, merged);
        continue;
      }
      const key = String(rawKey);
      out[key] = convert(pair.value as Node, doc, at, source);
      keys.set(key, at(keyNode as Node));
    }
    return out;
  }
  return null;
}

const UNHASHABLE_HINT =
  'A value that starts with "{{" must be quoted: write `key: "{{ var }}"`, not `key: {{ var }}`.';

function isMergeable(v: unknown): boolean {
  const isMapping = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
  return isMapping(v) || (Array.isArray(v) && v.every(isMapping));
}

function mergeInto(out: Record<string, unknown>, keys: Map<string, SourceLocation>, src: unknown): void {
  const sources = Array.isArray(src) ? src : [src];
  for (const s of sources) {
    if (typeof s !== "object" || s === null) continue;
    for (const [k, v] of Object.entries(s)) {
      if (!(k in out)) {
        out[k] = v;
        const loc = keyLocationOf(s, k);
        if (loc) keys.set(k, loc);
      }
    }
  }
}

function scalarValue(node: Scalar): unknown {
  const v = node.value;
  if (v instanceof VaultString) return v;
  if (v instanceof UnsafeText) return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Read and parse a YAML file; a missing or unreadable file is an InfraError naming it. */
export function readYamlFile(file: string): ParsedYaml {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InfraError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      location: { file },
      hint: "Check that the path is right and readable.",
      exitCode: ExitCode.parse,
    });
  }
  return parseYaml(decodeUtf8(bytes, file), file);
}

/** The single document of a YAML file (an empty file is null). */
export function loadYamlFile(file: string): unknown {
  return readYamlFile(file).documents[0] ?? null;
}
