/** ansible.cfg and ANSIBLE_* settings, resolved like Ansible 2.14: `loadConfig(cwd, env)`. */
export { loadConfig, type InfraConfig } from "./load-config.js";
export { findConfigFile, type FoundConfig } from "./find-config.js";
export { parseConfigIni, iniGet, type IniFile, type IniEntry } from "./configparser.js";
export { SETTINGS, type SettingName, type SettingDef } from "./settings.js";
