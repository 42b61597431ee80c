/**
 * Which connection and privilege a task uses. Connection variables (ansible_host, ansible_port, ansible_user,
 * ansible_become…) win over play keywords (remote_user, port, connection, become…), which win over command-line
 * defaults, as in Ansible. The transport's ConnectionPool turns the templated variables into a connection.
 */
import type { EffectiveKeywords } from "../playbook/types.js";
import type { Templar } from "../template/templar.js";
import type { Become, Connection } from "../transport/types.js";
import type { RunOptions } from "./options.js";
import { toBool } from "./truth.js";

/** What the engine needs from the transport (the ConnectionPool). */
export interface Connector {
  get(name: string, vars: Record<string, unknown>): Promise<Connection>;
  /** meta: reset_connection — the host's next task logs in afresh. */
  reset?(name: string): Promise<void>;
  closeAll(): Promise<void>;
}

/** What these functions need of a Templar. */
export type ValueResolver = Pick<Templar, "resolve" | "template">;

const CONNECTION_VAR =
  /^ansible_(host|ssh_host|port|ssh_port|user|ssh_user|connection|password|ssh_pass|private_key_file|ssh_private_key_file|ssh_common_args|ssh_extra_args|ssh_args|timeout|host_key_checking|ssh_host_key_checking|ssh_executable)$/;
const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

/** The connection variables of a host, templated, with keyword fallbacks filled in. */
export function connectionVars(
  name: string,
  t: ValueResolver,
  vars: Record<string, unknown>,
  kw: Partial<EffectiveKeywords>,
  implicitLocal: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(vars)) if (CONNECTION_VAR.test(key)) out[key] = t.resolve(key);
  if (out.ansible_user === undefined && out.ansible_ssh_user === undefined && kw.remote_user !== undefined)
    out.ansible_user = t.template(kw.remote_user);
  if (out.ansible_port === undefined && out.ansible_ssh_port === undefined && kw.port !== undefined)
    out.ansible_port = t.template(kw.port);
  if (out.ansible_connection === undefined && kw.connection !== undefined)
    out.ansible_connection = t.template(kw.connection);
  if (out.ansible_connection === undefined && implicitLocal && LOCAL_NAMES.has(name))
    out.ansible_connection = "local";
  return out;
}

function str(t: ValueResolver, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const out = t.template(v);
  return out === undefined || out === null ? undefined : String(out);
}

/** The become settings for a task, or undefined when it runs as the connecting user. */
export function becomeFor(
  t: ValueResolver,
  has: (v: string) => boolean,
  kw: Partial<EffectiveKeywords>,
  o: RunOptions,
): Become | undefined {
  const v = (key: string) => (has(key) ? t.resolve(key) : undefined);
  const enabled = v("ansible_become") ?? kw.become ?? o.become ?? false;
  if (!toBool(t.template(enabled))) return undefined;
  const user = str(t, v("ansible_become_user") ?? kw.become_user) ?? o.becomeUser ?? "root";
  const password = str(t, v("ansible_become_password") ?? v("ansible_become_pass")) ?? o.becomePassword;
  const flags = str(t, v("ansible_become_flags") ?? kw.become_flags);
  return { user, method: "sudo", ...(password ? { password } : {}), ...(flags ? { flags } : {}) };
}
