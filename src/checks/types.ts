/**
 * The contract of `infra check`, after Goss: a check type is the schema of what a definition may say plus a
 * function from host facts to results. Each result names one property with what was expected, what was found and
 * a one-line fix, so reporters only format and never interpret.
 */
import type { Connection } from "../transport/index.js";
import type { SourceLocation } from "../util/errors.js";

export type Status = "pass" | "fail" | "skip";

export interface PropertyResult {
  /** Short key of what was verified ("mode", "order", "chain"), stable across runs so reports can be compared. */
  property: string;
  status: Status;
  expected: string;
  found: string;
  /** For a failure: what is wrong and how to fix it, in one line. */
  message?: string;
}

/** What every check type sees about the run: discovered names and the clock. */
export interface CheckContext {
  /** Values definitions may use as {{ name }}: backup_host, backup_user, backup_url_base, local_zone… */
  vars: Record<string, string>;
  /** The host's clock when its facts were read (seconds since the epoch), or the control machine's. */
  now: Date;
  /** The student's repository (for `repo`). */
  repo?: string;
}

/** A check that reads everything it needs in one shell snippet, run as root inside the host's single batch. */
export interface ProbeCheck<S> {
  kind: "probe";
  name: string;
  schema: object;
  /** Shell (POSIX sh) printing the facts this check needs; runs as root with stdin closed. */
  probe(spec: S, ctx: CheckContext): string;
  evaluate(spec: S, output: string, ctx: CheckContext): PropertyResult[];
  /** A short title for reports when the definition gives none. */
  describe(spec: S): string;
}

/** A check that must act in steps (restore_drill): it gets the connection and cleans up after itself. */
export interface ActiveCheck<S> {
  kind: "active";
  name: string;
  schema: object;
  run(spec: S, conn: Connection, ctx: CheckContext & { become: BecomeFor }): Promise<PropertyResult[]>;
  describe(spec: S): string;
}

/** A check of the student's repository, on the control machine. */
export interface LocalCheck<S> {
  kind: "local";
  name: string;
  schema: object;
  run(spec: S, ctx: CheckContext): PropertyResult[];
  describe(spec: S): string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CheckType = ProbeCheck<any> | ActiveCheck<any> | LocalCheck<any>;

/** sudo to root (with the host's become password if any) for one operation. */
export type BecomeFor = { user: string; password?: string };

/** One check as a definition file declares it. */
export interface CheckDef {
  id: string;
  type: string;
  /** Which role's hosts it runs on (`repo` checks run on none). */
  on?: string;
  name?: string;
  /** Ids of checks that must pass first; otherwise this one is skipped. */
  needs: string[];
  spec: Record<string, unknown>;
  location?: SourceLocation;
}

export interface TaskDef {
  id: string;
  title: string;
  points: number;
  checks: CheckDef[];
}

/** How a definition finds the host of a role: group patterns in order, then what discovery says it runs. */
export interface RoleDef {
  groups?: string[];
  /** The hosts of these other roles together (e.g. every managed host). */
  union?: string[];
  discover?: "mariadb" | "influxdb" | "backup_server";
}

export interface Definition {
  file: string;
  lab: string;
  title: string;
  roles: Record<string, RoleDef>;
  vars: Record<string, string>;
  tasks: TaskDef[];
}

/** The outcome of one check on one host. */
export interface CheckOutcome {
  id: string;
  task: string;
  name: string;
  type: string;
  host?: string;
  status: Status;
  results: PropertyResult[];
  /** Why it was skipped or could not run. */
  note?: string;
  points: number;
  maxPoints: number;
}

export interface TaskOutcome {
  id: string;
  title: string;
  points: number;
  maxPoints: number;
  checks: CheckOutcome[];
}

/** Which host was graded for which role, and why. */
export interface RoleAssignment {
  role: string;
  hosts: string[];
  reason: string;
}

export interface StudentReport {
  student: string;
  labs: string[];
  roles: RoleAssignment[];
  tasks: TaskOutcome[];
  score: number;
  maxScore: number;
  /** Set when grading could not run (unreachable host, bad inventory): exit code 2. */
  error?: string;
  unreachable: string[];
  durationMs: number;
}
