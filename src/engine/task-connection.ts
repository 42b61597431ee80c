/**
 * The connection a task runs over (task-runner.ts): its host's, or a delegate's (in the inventory or not), with the
 * variables the delegate brings; one that refuses everything for modules that run on the controller alone; and the
 * probe that tells a host gone mid-task (UNREACHABLE) from a module that failed.
 */
import type { Vars } from "../inventory/model.js";
import type { Templar } from "../template/templar.js";
import { UnreachableError } from "../transport/errors.js";
import type { Connection } from "../transport/types.js";
import { connectionVars } from "./connect.js";
import type { Scope } from "./task-outcome.js";
import { makeTemplar, taskVars } from "./variables.js";

export async function connectionFor(
  scope: Scope,
  templar: Templar,
  vars: Vars,
): Promise<{ conn: Connection; delegatedTo?: string; templar: Templar; vars: Vars }> {
  const { run, play, task } = scope;
  const kw = task.effective;
  const delegate = kw.delegate_to !== undefined ? String(templar.template(kw.delegate_to)) : undefined;
  if (delegate && delegate !== scope.host.name) {
    const inInventory = run.inventory.getHost(delegate);
    if (inInventory) {
      const dHost = run.hostState(delegate);
      const dVars = taskVars({ run, play, host: dHost, task });
      const dt = makeTemplar({ run, play, host: dHost, task }, dVars);
      const conn = await run.connector.get(
        delegate,
        connectionVars(delegate, dt, dVars, kw, inInventory.implicit),
      );
      return { conn, delegatedTo: delegate, templar: dt, vars: dVars };
    }
    // A delegate outside the inventory: localhost runs locally, anything else is reached by its name over SSH.
    const local = ["localhost", "127.0.0.1", "::1"].includes(delegate);
    const conn = await run.connector.get(
      delegate,
      local ? { ansible_connection: "local" } : { ansible_host: delegate },
    );
    return { conn, delegatedTo: delegate, templar, vars: {} };
  }
  const conn = await run.connector.get(
    scope.host.name,
    connectionVars(scope.host.name, templar, vars, kw, scope.host.host.implicit),
  );
  return { conn, templar, vars };
}

/**
 * A module that failed because its host went away mid-task (a database relay or a stream cut off) would otherwise
 * be a plain FAILED; Ansible reports such a host UNREACHABLE. One probe tells the two apart: it throws the
 * connection's UnreachableError when the link is gone, and gives up quietly when the host merely answers slowly.
 */
export async function confirmReachable(conn: Connection): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS)),
  );
  const probe = conn.exec("true").then(
    () => undefined,
    (e: unknown) => e,
  );
  const error = await Promise.race([probe, slow]);
  clearTimeout(timer);
  if (error instanceof UnreachableError) throw error;
}

const PROBE_TIMEOUT_MS = 5_000;

export function controllerOnlyConnection(host: string): Connection {
  const refuse = () => Promise.reject(new Error("this module runs on the controller and has no connection"));
  return {
    host,
    exec: refuse,
    put: refuse,
    get: refuse,
    execStream: refuse,
    close: () => Promise.resolve(),
    alive: true,
    stats: { roundTrips: 0, bytesSent: 0 },
  };
}
