/**
 * --tags / --skip-tags selection, exactly as Ansible's Taggable.evaluate_tags: `always` runs unless skipped
 * explicitly, `never` runs only when asked for by name, `tagged`/`untagged`/`all` are the special selectors.
 */

export interface TagSelection {
  /** --tags; empty or absent means `all`. */
  tags?: string[];
  /** --skip-tags. */
  skipTags?: string[];
}

const UNTAGGED = "untagged";

/** Whether a task with these (effective) tags runs under this selection. */
export function shouldRun(taskTags: readonly string[], sel: TagSelection): boolean {
  const tags = new Set(taskTags.length > 0 ? taskTags : [UNTAGGED]);
  const isUntagged = tags.size === 1 && tags.has(UNTAGGED);
  const only = new Set(sel.tags && sel.tags.length > 0 ? sel.tags : ["all"]);
  const skip = new Set(sel.skipTags ?? []);
  const meets = (set: Set<string>): boolean => [...tags].some((t) => set.has(t));

  let run: boolean;
  if (tags.has("always")) run = true;
  else if (only.has("all") && !tags.has("never")) run = true;
  else if (meets(only)) run = true;
  else run = only.has("tagged") && !isUntagged && !tags.has("never");

  if (run && skip.size > 0) {
    if (skip.has("all")) {
      if (!tags.has("always") || skip.has("always")) run = false;
    } else if (meets(skip)) {
      run = false;
    } else if (skip.has("tagged") && !isUntagged) {
      run = false;
    }
  }
  return run;
}
