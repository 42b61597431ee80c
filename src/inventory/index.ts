/** The inventory as an engine uses it: load the sources, pick hosts by pattern, get each host's variables. */
export { loadInventory, unfrackPath, DEFAULT_INVENTORY, type LoadInventoryOptions } from "./inventory.js";
export { Inventory, Host, Group, LOCALHOST_NAMES, type Vars } from "./model.js";
export { selectHosts, applyLimit, splitHostPattern, limitPatterns, type SelectOptions } from "./patterns.js";
export {
  hostInventoryVars,
  sortGroups,
  findVarsFiles,
  inventoryVarsDirs,
  type HostVarsOptions,
} from "./vars-files.js";
export { groupsMap, groupNames, hostMagicVars } from "./magic-vars.js";
