/**
 * Loop items: `loop:` is templated and must be a list; `with_<lookup>:` runs the lookup on the templated terms as
 * Ansible does (`with_items` flattens one level, `with_dict` yields key/value pairs…).
 */
import { getLookup, registerLookup } from "../template/lookups/index.js";
import type { Templar } from "../template/templar.js";
import type { Task } from "../playbook/types.js";
import { isDict, LazyDict, mappingGet, mappingKeys } from "../template/values.js";

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

registerLookup("items", (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])));
registerLookup("list", (terms) => terms);
registerLookup("indexed_items", (terms) => terms.flatMap(asList).map((t, i) => [i, t]));
registerLookup("dict", (terms) =>
  terms.flatMap((t) => {
    if (t instanceof LazyDict) return mappingKeys(t).map((key) => ({ key, value: mappingGet(t, key) }));
    if (!isDict(t)) throw new Error("with_dict expects a dict");
    return Object.entries(t).map(([key, value]) => ({ key, value }));
  }),
);
registerLookup("together", (terms) => {
  const lists = terms.map(asList);
  const n = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
});
registerLookup("nested", (terms) =>
  terms
    .map(asList)
    .reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]),
);
registerLookup("subelements", (terms, kwargs) => {
  const [list, key, opts] = terms as [unknown[], string, Record<string, unknown> | undefined];
  const skipMissing = Boolean(opts?.skip_missing ?? kwargs.skip_missing);
  return asList(list).flatMap((el) => {
    const sub = isDict(el) ? el[key] : undefined;
    if (sub === undefined) {
      if (skipMissing) return [];
      throw new Error(`could not find '${key}' key in iterated item`);
    }
    return asList(sub).map((s) => [el, s]);
  });
});
registerLookup("sequence", (terms) =>
  terms.flatMap((t) => {
    const spec = String(t);
    const kv = Object.fromEntries(
      spec
        .split(/\s+/)
        .filter((p) => p.includes("="))
        .map((p) => p.split("=") as [string, string]),
    );
    const short = /^(\d+)(?:-(\d+))?(?:\/(\d+))?(?::(.+))?$/.exec(spec);
    const start = Number(kv.start ?? (short ? (short[2] ? short[1] : 1) : 1));
    const end = Number(kv.end ?? (short ? (short[2] ?? short[1]) : start));
    const stride = Number(kv.stride ?? short?.[3] ?? 1);
    const format = kv.format ?? short?.[4] ?? "%d";
    const out: string[] = [];
    for (let i = start; stride > 0 ? i <= end : i >= end; i += stride)
      out.push(
        format.replace(/%0?(\d*)d/, (m, w) =>
          String(i).padStart(Number(w) || 0, m.includes("%0") ? "0" : " "),
        ),
      );
    return out;
  }),
);

/** The items a task loops over, or undefined when it has no loop. */
export function loopItems(task: Task, templar: Templar): unknown[] | undefined {
  if (task.loop === undefined) return undefined;
  const terms = templar.template(task.loop, { location: task.location });
  if (!task.loopWith) {
    if (!Array.isArray(terms)) {
      throw new Error(
        `Invalid data passed to 'loop', it requires a list, got this instead: ${String(terms)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
      );
    }
    return terms;
  }
  const plugin = getLookup(task.loopWith);
  if (!plugin) throw new Error(`lookup plugin (${task.loopWith}) not found`);
  const env = {
    searchPaths: templar.searchPaths,
    findFile: (name: string, subdir: string) => templar.findFile(name, subdir),
    variable: (name: string) => templar.resolve(name),
    renderFile: (path: string, extra: Record<string, unknown>) => templar.withVars(extra).renderFile(path),
  };
  return plugin(asList(terms), {}, env);
}
