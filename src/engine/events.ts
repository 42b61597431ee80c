/**
 * What the engine tells reporters, in order. Reporters only format these (Ansible's default output, JSON lines,
 * progress); they never reach back into the engine. Results are already censored for no_log when they get here.
 */
import type { FileDiff } from "../modules/types.js";

export type HostStatus = "ok" | "changed" | "failed" | "skipped" | "unreachable";

export interface TaskInfo {
  /** As Ansible shows it: `role : name`, or the action when the task has no name. */
  name: string;
  action: string;
  /** file:line of the task. */
  path: string;
  handler: boolean;
  /** True for the implicit fact-gathering task. */
  gather?: boolean;
}

export interface HostResult {
  host: string;
  /** `host -> delegate` when delegated. */
  delegatedTo?: string;
  status: HostStatus;
  /** The module's result (censored when no_log). */
  result: Record<string, unknown>;
  /** Set for loop items; the item label as Ansible prints it. */
  itemLabel?: string;
  /** The per-item results were already reported; this is the task's summary line. */
  loopSummary?: boolean;
  ignored?: boolean;
  diff?: FileDiff[];
  /** Verbosity the reporter needs before it prints the whole result (debug's `verbosity:`). */
  verbosity?: number;
}

export interface RecapCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type EngineEvent =
  | { type: "playbook_start"; file: string; check: boolean }
  | { type: "play_start"; name: string; hosts: string[] }
  | { type: "no_hosts"; play: string }
  | { type: "task_start"; task: TaskInfo }
  | { type: "host_result"; task: TaskInfo; result: HostResult }
  | { type: "handler_notified"; host: string; handler: string }
  /** include_tasks resolved for some hosts: Ansible prints "included: FILE for h1, h2". */
  | { type: "included"; task: TaskInfo; file: string; hosts: string[] }
  | { type: "warning"; message: string }
  | { type: "deprecation"; message: string }
  | { type: "verbose"; level: number; host?: string; message: string }
  | { type: "no_more_hosts" }
  | { type: "recap"; hosts: Record<string, RecapCounts> }
  | { type: "playbook_end"; exitCode: number; elapsedMs: number };

export interface Reporter {
  emit(event: EngineEvent): void;
  /** Flush and stop (progress displays restore the terminal). */
  close(): Promise<void> | void;
}
