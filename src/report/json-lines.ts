/**
 * `--json`: one JSON object per line for every engine event, then a summary line, for graders and scripts.
 *
 * Lines (field names are stable; fields in [] are present only when set):
 *   {"type":"playbook_start","file":string,"check":boolean}
 *   {"type":"play_start","name":string,"hosts":[string]}
 *   {"type":"no_hosts","play":string}
 *   {"type":"task_start","task":Task}
 *   {"type":"host_result","task":Task,"host":string,["delegatedTo":string],"status":"ok"|"changed"|"failed"|
 *      "skipped"|"unreachable",["itemLabel":string],["loopSummary":true],["ignored":true],"result":object,
 *      ["diff":[{"before","after",["before_header"],["after_header"]}]]}
 *   {"type":"handler_notified","host":string,"handler":string}
 *   {"type":"warning"|"deprecation","message":string}
 *   {"type":"verbose","level":number,["host":string],"message":string}   (only up to the run's -v level)
 *   {"type":"no_more_hosts"}
 *   {"type":"recap","hosts":{host:{"ok","changed","unreachable","failed","skipped","rescued","ignored"}}}
 *   {"type":"summary","hosts":{…as recap…},"exitCode":number,"elapsedMs":number}   (last line, for playbook_end)
 * where Task is {"name":string,"action":string,"path":string,"handler":boolean,["gather":true]}.
 *
 * Results lose Ansible's internal `_ansible_*` keys; every string (keys too) passes through the vault censor before
 * it is encoded, so a secret cannot slip past it in escaped form.
 */
import type { EngineEvent, RecapCounts, Reporter, TaskInfo } from "../engine/events.js";
import { censor } from "../vault/censor.js";
import type { OutputStream } from "./display.js";

export interface JsonLinesOptions {
  out: OutputStream;
  verbosity: number;
}

export class JsonLinesReporter implements Reporter {
  private hosts: Record<string, RecapCounts> = {};

  constructor(private readonly options: JsonLinesOptions) {}

  emit(event: EngineEvent): void {
    switch (event.type) {
      case "task_start":
        return this.line({ type: event.type, task: taskJson(event.task) });
      case "host_result": {
        const { host, delegatedTo, status, itemLabel, loopSummary, ignored, result, diff } = event.result;
        return this.line({
          type: event.type,
          task: taskJson(event.task),
          host,
          delegatedTo,
          status,
          itemLabel,
          loopSummary: loopSummary || undefined,
          ignored: ignored || undefined,
          result: withoutInternalKeys(result),
          diff,
        });
      }
      case "included":
        return this.line({
          type: event.type,
          task: taskJson(event.task),
          file: event.file,
          hosts: event.hosts,
        });
      case "verbose":
        if (this.options.verbosity < event.level) return;
        return this.line({ type: event.type, level: event.level, host: event.host, message: event.message });
      case "recap":
        this.hosts = event.hosts;
        return this.line(event);
      case "playbook_end":
        return this.line({
          type: "summary",
          hosts: this.hosts,
          exitCode: event.exitCode,
          elapsedMs: event.elapsedMs,
        });
      default:
        return this.line(event);
    }
  }

  close(): void {}

  private line(value: object): void {
    this.options.out.write(JSON.stringify(censorDeep(value, new Set())) + "\n");
  }
}

function taskJson(task: TaskInfo): object {
  return {
    name: task.name,
    action: task.action,
    path: task.path,
    handler: task.handler,
    gather: task.gather || undefined,
  };
}

function withoutInternalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutInternalKeys);
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith("_ansible_"))
      .map(([key, item]) => [key, withoutInternalKeys(item)]),
  );
}

/** A copy with every string censored; objects with their own JSON form are reduced to it first. */
function censorDeep(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "string") return censor(value);
  if (value === null || typeof value !== "object") return value;
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === "function") return censorDeep(withToJSON.toJSON(), seen);
  if (seen.has(value)) return "<circular reference>";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => censorDeep(item, seen));
    if (value instanceof Map) return censorDeep(Object.fromEntries(value), seen);
    if (value instanceof Set) return censorDeep([...value], seen);
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [censor(key), censorDeep(item, seen)]),
    );
  } finally {
    seen.delete(value);
  }
}
