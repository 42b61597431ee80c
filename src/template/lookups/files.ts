/**
 * Lookups that read controller files: `file` (contents, right-stripped), `template` (rendered), `first_found`
 * (the first existing path). Relative names are searched in each search path's `files/` (or `templates/`)
 * sub-directory and then in the search path itself, as Ansible's find_file_in_search_path does.
 */
import { readFileSync } from "node:fs";
import { isMapping, mappingGet, pyStr, TemplateRuntimeError, truthy } from "../values.js";
import { registerLookup, type LookupEnv } from "./registry.js";

function locate(env: LookupEnv, name: string, subdir: string): string {
  const found = env.findFile(name, subdir);
  if (!found) throw new TemplateRuntimeError(`could not locate file in lookup: ${name}`, "lookup");
  return found;
}

registerLookup("file", (terms, kwargs, env) =>
  terms.map((t) => {
    const path = locate(env, pyStr(t), "files");
    let text = readFileSync(path, "utf8");
    if (truthy(kwargs.rstrip ?? true)) text = text.replace(/\s+$/u, "");
    if (truthy(kwargs.lstrip ?? false)) text = text.replace(/^\s+/u, "");
    return text;
  }),
);

registerLookup("template", (terms, kwargs, env) =>
  terms.map((t) => {
    const path = locate(env, pyStr(t), "templates");
    const extra = isMapping(kwargs.template_vars) ? (kwargs.template_vars as Record<string, unknown>) : {};
    return env.renderFile(path, extra, kwargs);
  }),
);

/** first_found terms: names, lists of names, or {files: [...], paths: [...]} dicts. */
function candidates(terms: unknown[], kwargs: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (files: unknown[], paths: unknown[]): void => {
    const names = files.flatMap((f) => pyStr(f).split(/[,;]/)).filter((f) => f);
    if (paths.length === 0) out.push(...names);
    else
      for (const p of paths.flatMap((x) => pyStr(x).split(/[,:;]/)))
        for (const n of names) out.push(`${p}/${n}`);
  };
  const kwFiles = kwargs.files as unknown[] | undefined;
  const kwPaths = (kwargs.paths as unknown[] | undefined) ?? [];
  for (const term of terms.flat()) {
    if (isMapping(term)) {
      const f = mappingGet(term, "files");
      const p = mappingGet(term, "paths");
      add(
        Array.isArray(f) ? f : f === undefined ? [] : [f],
        Array.isArray(p) ? p : p === undefined ? [] : [p],
      );
    } else add([term], kwPaths);
  }
  if (kwFiles) add(kwFiles, kwPaths);
  return out;
}

registerLookup("first_found", (terms, kwargs, env) => {
  for (const name of candidates(terms, kwargs)) {
    const found = env.findFile(name, "files");
    if (found) return [found];
  }
  if (truthy(kwargs.skip ?? false)) return [];
  throw new TemplateRuntimeError(
    "No file was found when using first_found. Use errors='ignore' to allow this task to be skipped if no files are found",
    "lookup",
  );
});
