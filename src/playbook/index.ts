/** Public API of the playbook loader: the static plan of a playbook, for the engine and the CLI. */
export { loadPlaybook } from "./playbook.js";
export { loadTaskFile, loadIncludedTasks, loadIncludedRole, type IncludedRole } from "./include.js";
export { shouldRun, type TagSelection } from "./tags.js";
export {
  listTasks,
  formatListing,
  displayName,
  playTasksInOrder,
  type ListedPlay,
  type ListedTask,
} from "./list-tasks.js";
export { parseKv, splitArgs, joinArgs, unquote } from "./split-args.js";
export { shortName } from "./module-names.js";
export { BUILTIN_LOOKUPS } from "./keywords.js";
export type * from "./types.js";
