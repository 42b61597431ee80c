/** All filters by name; `ansible.builtin.x` is the same filter as `x`. */
import type { FilterFn } from "../registry.js";
import { collectionFilters } from "./collections.js";
import { coreFilters } from "./core.js";
import { encodingFilters } from "./encoding.js";
import { pathFilters } from "./paths.js";
import { regexFilters } from "./regex.js";
import { stringFilters } from "./strings.js";

export const filters: Record<string, FilterFn> = Object.assign(
  Object.create(null) as Record<string, FilterFn>,
  coreFilters,
  stringFilters,
  regexFilters,
  collectionFilters,
  encodingFilters,
  pathFilters,
);

/** Filters that receive an undefined value instead of failing on it. */
export const UNDEFINED_AWARE_FILTERS = new Set(["default", "d", "mandatory"]);

export function canonicalName(name: string): string {
  return name.startsWith("ansible.builtin.") ? name.slice("ansible.builtin.".length) : name;
}
