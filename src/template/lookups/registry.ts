/**
 * Lookup plugins (`lookup('file', 'x')`, `query('env', 'HOME')`). Each plugin takes the list of terms and keyword
 * options and returns a list; lookup() joins it with commas unless wantlist=True, as Ansible does.
 */
export interface LookupEnv {
  /** Directories searched for relative paths, in order (role files/, role dir, playbook dir...). */
  searchPaths: string[];
  /** The sub-directory a plugin looks into under each search path ("files", "templates"). */
  findFile(name: string, subdir: string): string | undefined;
  /** Reads a variable the way templates do (templated, decrypted). */
  variable(name: string): unknown;
  /** Renders a template file with the current variables (and extra ones). */
  renderFile(path: string, extraVars: Record<string, unknown>, opts: Record<string, unknown>): string;
}

export type LookupPlugin = (terms: unknown[], kwargs: Record<string, unknown>, env: LookupEnv) => unknown[];

const plugins = new Map<string, LookupPlugin>();

export function registerLookup(name: string, plugin: LookupPlugin): void {
  plugins.set(name, plugin);
}

export function getLookup(name: string): LookupPlugin | undefined {
  return plugins.get(name.startsWith("ansible.builtin.") ? name.slice("ansible.builtin.".length) : name);
}
