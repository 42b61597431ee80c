/** What a run was asked to do: ansible-playbook's command-line options, after parsing and ansible.cfg defaults. */
import type { TagSelection } from "../playbook/tags.js";

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  tags: TagSelection;
  limit?: string[];
  extraVars: Record<string, unknown>;
  startAtTask?: string;
  forceHandlers: boolean;
  /** -b / --become-user / -K and -u / --private-key: defaults below play and inventory settings. */
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomePassword?: string;
  remoteUser?: string;
  privateKeyFile?: string;
  /** ansible.cfg [defaults] gathering: implicit (gather unless told not to), explicit, smart. */
  gathering: "implicit" | "explicit" | "smart";
  hostKeyChecking: boolean;
  connectTimeoutSec: number;
  anyErrorsFatal: boolean;
}

export const defaultRunOptions = (): RunOptions => ({
  check: false,
  diff: false,
  forks: 5,
  verbosity: 0,
  tags: {},
  extraVars: {},
  forceHandlers: false,
  gathering: "implicit",
  hostKeyChecking: true,
  connectTimeoutSec: 10,
  anyErrorsFatal: false,
});
