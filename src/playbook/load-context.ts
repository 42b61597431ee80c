/** What loading a list of tasks needs to know about where it is. */
import type { RoleRegistry } from "./roles.js";
import type { ResolvedLoadOptions, Role } from "./types.js";

export interface LoadContext {
  /** The file the tasks are written in. */
  file: string;
  playbookDir: string;
  /** The role whose files are being read, if any. */
  role?: Role;
  handlers: boolean;
  options: ResolvedLoadOptions;
  roles: RoleRegistry;
  /** Task files currently being imported (outermost first), to refuse cycles. */
  stack: string[];
  /** Variables known at load time, for static import paths. */
  staticVars: Record<string, unknown>;
  /** True inside a file loaded by a dynamic include: a bare `include:` there is dynamic too. */
  dynamicParent: boolean;
}
