/**
 * A playbook file → Playbook (Ansible's Playbook.load + PlaybookInclude): a YAML list of plays and
 * import_playbook statements, imports loaded recursively relative to the importing file, cycles refused.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { SourceLocation } from "../util/errors.js";
import { readYamlFile, locationOf } from "../util/yaml.js";
import { at, checkKeys, isMapping, readList, readTags, typeName, type Mapping } from "./fields.js";
import { BUILTIN_LOOKUPS, PLAYBOOK_IMPORT_KEYWORDS } from "./keywords.js";
import { isImportPlaybook } from "./module-names.js";
import { renderStaticPath } from "./paths.js";
import { loadPlay, type ImportedInto } from "./play.js";
import { missingError, parseError } from "./problems.js";
import { ArgSplitError, splitArgs } from "./split-args.js";
import type { LoadOptions, Play, Playbook, ResolvedLoadOptions } from "./types.js";

export function resolveOptions(opts: LoadOptions): ResolvedLoadOptions {
  return {
    rolesPath: (opts.rolesPath ?? []).map((p) => resolve(p)),
    isModule: opts.isModule,
    isLookup: opts.isLookup ?? ((name) => BUILTIN_LOOKUPS.has(name)),
    warnings: [],
  };
}

/** Load a playbook and everything it imports. Errors are InfraErrors pointing at the offending line. */
export function loadPlaybook(path: string, opts: LoadOptions): Playbook {
  const options = resolveOptions(opts);
  const file = resolve(path);
  const plays = loadPlaybookFile(file, options, { vars: {}, tags: [], when: [] }, []);
  return { file, plays, warnings: options.warnings };
}

function loadPlaybookFile(
  file: string,
  options: ResolvedLoadOptions,
  into: ImportedInto,
  stack: string[],
): Play[] {
  const parsed = readYamlFile(file);
  const ds = parsed.documents[0] ?? null;
  const here: SourceLocation = { file, line: 1, column: 1 };
  if (ds === null) throw parseError(`Empty playbook, nothing to do: ${file}`, here);
  if (!Array.isArray(ds)) {
    throw parseError(
      `A playbook must be a list of plays, got a ${typeName(ds)} instead: ${file}`,
      locationOf(ds) ?? here,
      "Start each play with `- hosts: …` (a YAML list item).",
    );
  }
  if (ds.length === 0) throw parseError(`A playbook must contain at least one play: ${file}`, here);
  const baseDir = dirname(file);
  const plays: Play[] = [];
  for (const entry of ds) {
    if (isMapping(entry) && Object.keys(entry).some(isImportPlaybook)) {
      plays.push(...importPlaybook(entry, file, options, into, [...stack, file]));
    } else {
      plays.push(loadPlay(entry, { file, baseDir, options, importedInto: into }, here));
    }
  }
  return plays;
}

function importPlaybook(
  ds: Mapping,
  file: string,
  options: ResolvedLoadOptions,
  into: ImportedInto,
  stack: string[],
): Play[] {
  const loc = locationOf(ds) ?? { file };
  checkKeys(ds, PLAYBOOK_IMPORT_KEYWORDS, "PlaybookInclude", loc);
  const key = Object.keys(ds).find(isImportPlaybook) as string;
  const where = at(ds, key, loc);
  const v = ds[key];
  if (v === null || v === undefined) throw parseError("playbook import parameter is missing", where);
  if (typeof v !== "string") {
    throw parseError(
      `playbook import parameter must be a string indicating a file path, got ${typeName(v)} instead`,
      where,
    );
  }
  let items: string[];
  try {
    items = splitArgs(v);
  } catch (e) {
    if (e instanceof ArgSplitError) throw parseError(e.message, where);
    throw e;
  }
  if (items.length === 0)
    throw parseError("import_playbook statements must specify the file name to import", where);
  const vars = ds["vars"];
  if (vars !== undefined && vars !== null && !isMapping(vars)) {
    throw parseError(
      "vars for import_playbook statements must be specified as a dictionary",
      at(ds, "vars", loc),
    );
  }
  const importVars: Record<string, unknown> = { ...(vars ?? {}) };
  const target = renderStaticPath((items[0] as string).trim(), { ...into.vars, ...importVars }, where);
  const imported = resolve(dirname(file), target);
  if (!existsSync(imported)) {
    throw missingError(
      `Could not find or access '${imported}'`,
      where,
      "import_playbook paths are relative to the importing playbook.",
    );
  }
  if (stack.includes(imported)) {
    throw parseError(
      `import_playbook cycle: ${[...stack, imported].join(" → ")}`,
      where,
      "A playbook cannot import itself, directly or through other playbooks.",
    );
  }
  // A `tags` variable passed to import_playbook adds tags too (legacy form).
  const legacyTags = typeof importVars["tags"] === "string" ? (importVars["tags"] as string).split(",") : [];
  delete importVars["tags"];
  const inner: ImportedInto = {
    vars: { ...into.vars, ...importVars },
    tags: [...new Set([...into.tags, ...readTags(ds, loc), ...legacyTags])],
    when: [...into.when, ...readList(ds, "when")],
  };
  return loadPlaybookFile(imported, options, inner, stack);
}
