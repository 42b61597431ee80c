/**
 * `loadConfig(cwd, env)`: the settings infra uses, resolved like Ansible 2.14 resolves them — environment
 * (`ANSIBLE_*`) over ansible.cfg over the default. Paths written in ansible.cfg are relative to the file's own
 * directory (from the environment, to the current directory), with `~` and `$VARS` expanded. Keys infra doesn't
 * know are ignored, as Ansible ignores keys it doesn't use. Unlike Ansible, which reads any unknown word as "false",
 * a boolean that is not yes/no/true/false/on/off/1/0 is an error: `host_key_checking = flase` must not silently
 * turn host key checking off.
 */
import { readFileSync } from "node:fs";
import { dirname, extname } from "node:path";
import { ExitCode, InfraError, type SourceLocation } from "../util/errors.js";
import { unfrackPath } from "../inventory/inventory.js";
import { iniGet, parseConfigIni, type IniFile } from "./configparser.js";
import { findConfigFile } from "./find-config.js";
import { SETTINGS, type SettingDef, type SettingName } from "./settings.js";

export interface InfraConfig {
  /** The ansible.cfg that was read, or null when none was found. */
  config_file: string | null;
  inventory: string[];
  remote_user: string | null;
  remote_port: number | null;
  private_key_file: string | null;
  /** Where displayed lines are logged too (Ansible's log_path), or null. */
  log_path: string | null;
  vault_password_file: string | null;
  vault_identity_list: string[];
  ask_vault_pass: boolean;
  host_key_checking: boolean;
  timeout: number;
  gathering: "implicit" | "explicit" | "smart";
  forks: number;
  roles_path: string[];
  become: boolean;
  become_user: string;
  become_method: string;
  become_ask_pass: boolean;
  diff: { always: boolean; context: number };
  ssh_connection: { ssh_args: string; pipelining: boolean };
  retry_files_enabled: boolean;
  retry_files_save_path: string | null;
  any_errors_fatal: boolean;
  interpreter_python: string;
  stdout_callback: string;
  /** Where each setting came from: "default", "env: ANSIBLE_…", or the cfg file path. */
  origins: Record<SettingName, string>;
  warnings: string[];
}

type Env = Record<string, string | undefined>;

const TRUE_WORDS = new Set(["y", "yes", "on", "1", "true", "t"]);
const FALSE_WORDS = new Set(["n", "no", "off", "0", "false", "f"]);

export function loadConfig(cwd: string = process.cwd(), env: Env = process.env): InfraConfig {
  const found = findConfigFile(cwd, env);
  const ini = found.file ? readConfigFile(found.file) : undefined;
  const values = {} as Record<SettingName, unknown>;
  const origins = {} as Record<SettingName, string>;
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const def: SettingDef = SETTINGS[name];
    const { raw, origin, location } = lookup(def, ini, env);
    origins[name] = origin;
    // Relative paths are resolved against the cfg file's folder only for values that came from it.
    const base = ini && origin === ini.file ? dirname(ini.file) : cwd;
    values[name] = convert(name, def, raw, base, env, location ?? { file: origin });
  }
  const v = values as Record<SettingName, never>;
  return {
    config_file: found.file,
    inventory: v.inventory,
    remote_user: v.remote_user,
    remote_port: v.remote_port,
    private_key_file: v.private_key_file,
    log_path: v.log_path,
    vault_password_file: v.vault_password_file,
    vault_identity_list: v.vault_identity_list,
    ask_vault_pass: v.ask_vault_pass,
    host_key_checking: v.host_key_checking,
    timeout: v.timeout,
    gathering: v.gathering,
    forks: v.forks,
    roles_path: v.roles_path,
    become: v.become,
    become_user: v.become_user,
    become_method: v.become_method,
    become_ask_pass: v.become_ask_pass,
    diff: { always: v.diff_always, context: v.diff_context },
    ssh_connection: { ssh_args: v.ssh_args, pipelining: v.pipelining },
    retry_files_enabled: v.retry_files_enabled,
    retry_files_save_path: v.retry_files_save_path,
    any_errors_fatal: v.any_errors_fatal,
    interpreter_python: v.interpreter_python,
    stdout_callback: v.stdout_callback,
    origins,
    warnings: found.warnings,
  };
}

function readConfigFile(file: string): IniFile {
  const ext = extname(file);
  if (ext !== ".cfg" && ext !== ".ini") {
    throw new InfraError(`Unsupported configuration file extension for ${file}: ${ext}`, {
      location: { file },
      hint: "Name the configuration file ansible.cfg (or point ANSIBLE_CONFIG at a .cfg/.ini file).",
      exitCode: ExitCode.options,
    });
  }
  return parseConfigIni(readFileSync(file, "utf8"), file);
}

/** The raw value: the last ini entry found, then overridden by the last environment variable set. */
function lookup(
  def: SettingDef,
  ini: IniFile | undefined,
  env: Env,
): { raw: unknown; origin: string; location?: SourceLocation } {
  let raw: unknown = def.default;
  let origin = "default";
  let location: SourceLocation | undefined;
  if (ini) {
    for (const { section, key } of def.ini) {
      const entry = iniGet(ini, section, key);
      if (entry) {
        raw = entry.value;
        origin = ini.file;
        location = { file: ini.file, line: entry.line };
      }
    }
  }
  for (const name of def.env) {
    const value = env[name];
    if (value !== undefined) {
      raw = value;
      origin = `env: ${name}`;
      location = undefined;
    }
  }
  return { raw, origin, location };
}

/** Ansible's `unquote`: one pair of matching surrounding quotes goes. */
function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s;
}

function convert(
  name: string,
  def: SettingDef,
  raw: unknown,
  base: string,
  env: Env,
  where: SourceLocation,
): unknown {
  if (raw === null || raw === undefined) return null;
  const bad = (expected: string): never => {
    throw new InfraError(
      `Invalid value ${JSON.stringify(raw)} for configuration option "${name}": expected ${expected}`,
      {
        location: where,
        hint: `Set ${name} to ${expected}${def.env.length ? ` (or unset ${def.env.join("/")})` : ""}.`,
        exitCode: ExitCode.options,
      },
    );
  };
  const resolvePath = (p: string): string => unfrackPath(p.replace(/\{\{CWD\}\}/g, process.cwd()), base, env);
  switch (def.type) {
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      const word = String(raw).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return bad("a boolean (yes/no, true/false, on/off, 1/0)");
    }
    case "integer": {
      if (typeof raw === "number") return raw;
      const s = String(raw).trim();
      if (!/^[+-]?\d(?:_?\d)*$/.test(s)) return bad("an integer");
      return Number(s.replace(/_/g, ""));
    }
    case "list":
      return Array.isArray(raw)
        ? raw
        : String(raw)
            .split(",")
            .map((x) => unquote(x.trim()));
    case "path":
      return resolvePath(String(raw));
    case "pathlist":
      return String(raw)
        .split(",")
        .map((x) => resolvePath(x.trim()));
    case "pathspec":
      return String(raw)
        .split(":")
        .map((x) => resolvePath(x));
    case "string": {
      const s = typeof raw === "string" ? unquote(raw) : String(raw);
      if (def.choices && !def.choices.includes(s)) {
        return bad(`one of ${def.choices.join(", ")}`);
      }
      return s;
    }
  }
}
