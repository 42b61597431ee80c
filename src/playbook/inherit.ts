/**
 * Keyword inheritance, as Ansible's _get_parent_attribute resolves it: a task uses its own value, else that of the
 * nearest enclosing block / static import / role (then the roles that depend on it) / play. Tags, `when`,
 * environment and module_defaults accumulate instead, outermost first.
 */
import { INHERITED_KEYWORDS } from "./keywords.js";
import type { EffectiveKeywords, OwnKeywords } from "./types.js";

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** What a child sees inside an object with keywords `own` whose parent passes on `parent`. */
export function mergeKeywords(
  parent: EffectiveKeywords,
  own: OwnKeywords,
  opts: { withVars?: boolean } = {},
): EffectiveKeywords {
  const out: EffectiveKeywords = {
    ...parent,
    tags: union(parent.tags, own.tags),
    when: [...parent.when, ...own.when],
    environment: [...parent.environment, ...own.environment],
    module_defaults: [...parent.module_defaults, ...own.module_defaults],
    vars: opts.withVars === false ? { ...parent.vars } : { ...parent.vars, ...own.vars },
  };
  const target = out as unknown as Record<string, unknown>;
  const source = own as unknown as Record<string, unknown>;
  for (const key of INHERITED_KEYWORDS) {
    if (source[key] !== undefined) target[key] = source[key];
  }
  return out;
}
