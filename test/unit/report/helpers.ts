/**
 * Test helpers: a stream that keeps what is written, the committed output of real `ansible-playbook` runs, and a
 * small script builder that writes engine events the way the engine will send them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  EngineEvent,
  HostResult,
  HostStatus,
  RecapCounts,
  Reporter,
  TaskInfo,
} from "../../../src/engine/events.js";

export class Capture {
  text = "";
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const FIXTURES = join(import.meta.dirname, "fixtures");

/** Output of a real run, committed under fixtures/ (see fixtures/playbooks/regenerate.sh). */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

/** Drops the lines ansible-playbook's CLI prints before the first banner (version, config file in use). */
export function withoutCliPreamble(text: string): string {
  const start = text.search(/^$/m);
  return start < 0 ? text : text.slice(start);
}

export const counts = (c: Partial<RecapCounts>): RecapCounts => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
  ...c,
});

type Extra = Partial<Omit<HostResult, "host" | "status" | "result">>;

/** Builds an event list: `play`, `task`, then results for the current task. */
export class Script {
  readonly events: EngineEvent[] = [];
  private current: TaskInfo | undefined;

  start(file: string, check = false): this {
    this.events.push({ type: "playbook_start", file, check });
    return this;
  }

  play(name: string, hosts: string[]): this {
    this.events.push({ type: "play_start", name, hosts });
    return this;
  }

  task(name: string, action: string, path = "", handler = false): this {
    this.current = { name, action, path, handler };
    this.events.push({ type: "task_start", task: this.current });
    return this;
  }

  handler(name: string, action: string, path = ""): this {
    return this.task(name, action, path, true);
  }

  result(host: string, status: HostStatus, result: Record<string, unknown>, extra: Extra = {}): this {
    if (!this.current) throw new Error("result before task");
    this.events.push({ type: "host_result", task: this.current, result: { host, status, result, ...extra } });
    return this;
  }

  ok(host: string, result: Record<string, unknown> = { changed: false }, extra: Extra = {}): this {
    return this.result(host, "ok", result, extra);
  }

  changed(host: string, result: Record<string, unknown> = { changed: true }, extra: Extra = {}): this {
    return this.result(host, "changed", result, extra);
  }

  skipped(host: string, extra: Extra = {}): this {
    const result = { changed: false, skipped: true, skip_reason: "Conditional result was False" };
    return this.result(host, "skipped", result, extra);
  }

  failed(host: string, result: Record<string, unknown>, extra: Extra = {}): this {
    return this.result(host, "failed", { failed: true, ...result }, extra);
  }

  event(event: EngineEvent): this {
    this.events.push(event);
    return this;
  }

  recap(hosts: Record<string, Partial<RecapCounts>>): this {
    const full = Object.fromEntries(Object.entries(hosts).map(([h, c]) => [h, counts(c)]));
    this.events.push({ type: "recap", hosts: full });
    return this;
  }

  end(exitCode: number, elapsedMs = 1234): this {
    this.events.push({ type: "playbook_end", exitCode, elapsedMs });
    return this;
  }

  async feed(reporter: Reporter): Promise<void> {
    for (const event of this.events) reporter.emit(event);
    await reporter.close();
  }
}
