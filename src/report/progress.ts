/**
 * Live progress on a terminal: each play is a listr2 task list with one line per host, showing the task it is on
 * and its counts so far, ticked or crossed when the play ends. What a person needs to read afterwards is printed
 * once the play's list is done, in Ansible's format: changed and failed results (ok and skipped ones are hidden,
 * as with display_ok_hosts/display_skipped_hosts off), warnings, and at the end the PLAY RECAP.
 *
 * listr2 runs its lists asynchronously while the engine's events arrive synchronously, so each play's hosts keep
 * their state here and its list is started when the previous one has finished; `close()` waits for the last one.
 */
import { Listr, ListrLogger, ProcessOutput, type ListrRendererFactory, type ListrTaskWrapper } from "listr2";
import type { EngineEvent, HostResult, Reporter } from "../engine/events.js";
import { censor } from "../vault/censor.js";
import { AnsibleDefaultReporter } from "./ansible-default.js";
import type { OutputStream } from "./display.js";
import type { LogSink } from "./log-file.js";

export interface ProgressOptions {
  out: OutputStream;
  err: OutputStream;
  color: boolean;
  verbosity: number;
  diff: boolean;
  diffContext?: number;
  columns?: number;
  /** Ansible's log_path sink (what the printed results say, uncoloured). */
  log?: LogSink;
  /** listr2's renderer: "default" redraws in place (a terminal); "simple" prints a line per change (tests). */
  renderer?: "default" | "simple";
}

type Wrapper = ListrTaskWrapper<unknown, ListrRendererFactory, ListrRendererFactory>;
type Counter = "ok" | "changed" | "failed" | "skipped" | "unreachable";

/** One host's line in the current play's list. */
class HostProgress {
  readonly counts: Record<Counter, number> = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
  current = "";
  /** The host's last shown outcome was a failure that was not ignored (a later success, e.g. rescue, clears it). */
  failure: string | undefined;
  private wrapper: Wrapper | undefined;
  private finish: ((failure?: string) => void) | undefined;
  private finishedWith: { failure?: string } | undefined;

  constructor(readonly host: string) {}

  title(): string {
    const c = this.counts;
    const parts = [`ok=${c.ok}`, `changed=${c.changed}`, `failed=${c.failed}`, `skipped=${c.skipped}`];
    if (c.unreachable > 0) parts.push(`unreachable=${c.unreachable}`);
    return censor(`${this.host}  ${parts.join(" ")}`);
  }

  refresh(): void {
    if (!this.wrapper) return;
    this.wrapper.title = this.title();
    if (this.current) this.wrapper.output = censor(this.current);
  }

  /** Called by listr2 when the play's list starts: resolves when the play is over. */
  attach(wrapper: Wrapper): Promise<void> {
    this.wrapper = wrapper;
    this.refresh();
    return new Promise<void>((resolve, reject) => {
      this.finish = (failure) => (failure === undefined ? resolve() : reject(new Error(censor(failure))));
      if (this.finishedWith) this.finish(this.finishedWith.failure);
    });
  }

  end(): void {
    if (this.finishedWith) return;
    this.finishedWith = { failure: this.failure };
    this.finish?.(this.failure);
  }
}

export class ProgressReporter implements Reporter {
  /** Ansible-format text for results worth reading, held back until the play's list has been drawn. */
  private readonly log: AnsibleDefaultReporter;
  private segments: string[] = [""];
  private hosts = new Map<string, HostProgress>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: ProgressOptions) {
    const buffer: OutputStream = {
      write: (chunk: string) => (this.segments[this.segments.length - 1] += chunk),
    };
    this.log = new AnsibleDefaultReporter({
      ...options,
      out: buffer,
      err: buffer,
      displayOkHosts: false,
      displaySkippedHosts: false,
    });
  }

  emit(event: EngineEvent): void {
    if (event.type === "play_start") {
      // The play's banner goes above its list.
      this.endPlay();
      this.log.emit(event);
      this.startPlay(event.hosts);
      return;
    }
    if (event.type === "task_start") {
      const prefix = event.task.handler ? "RUNNING HANDLER" : "TASK";
      for (const host of this.hosts.values()) {
        host.current = `${prefix} [${event.task.name}]`;
        host.refresh();
      }
    }
    if (event.type === "host_result") this.result(event.result);
    if (event.type === "recap" || event.type === "playbook_end") this.endPlay();
    this.log.emit(event);
  }

  async close(): Promise<void> {
    this.endPlay();
    this.chain = this.chain.then(() => this.flush(this.segments.length));
    await this.chain;
  }

  private startPlay(hostNames: string[]): void {
    const hosts = new Map(hostNames.map((name) => [name, new HostProgress(name)]));
    this.hosts = hosts;
    // Text logged before this play belongs before its list; text logged during it, after.
    const before = this.segments.length;
    this.segments.push("");
    const list = new Listr(
      [...hosts.values()].map((host) => ({
        title: host.title(),
        task: (_ctx: unknown, task: Wrapper) => host.attach(task),
      })),
      {
        concurrent: true,
        exitOnError: false,
        renderer: this.options.renderer ?? "default",
        fallbackRendererCondition: false,
        rendererOptions: {
          collapseErrors: false,
          persistentOutput: false,
          logger: new ListrLogger({ processOutput: this.processOutput() }),
        },
      } as ConstructorParameters<typeof Listr>[1],
    );
    this.chain = this.chain
      .then(() => this.flush(before))
      .then(() => list.run())
      .then(
        () => undefined,
        () => undefined,
      );
  }

  private endPlay(): void {
    for (const host of this.hosts.values()) host.end();
    this.hosts = new Map();
  }

  private result(hr: HostResult): void {
    const host = this.hosts.get(hr.host);
    if (!host || (hr.itemLabel !== undefined && !hr.loopSummary)) return;
    // Counted as Ansible's recap does: a change is also ok, an ignored failure is ok.
    if (hr.status === "changed" || hr.ignored) host.counts.ok++;
    if (!hr.ignored) host.counts[hr.status]++;
    if (hr.status === "failed" || hr.status === "unreachable") {
      const msg = typeof hr.result.msg === "string" ? hr.result.msg : hr.status;
      host.failure = hr.ignored ? undefined : `${host.current}: ${msg}`;
    } else if (hr.status !== "skipped") {
      host.failure = undefined;
    }
    host.refresh();
  }

  /** listr2 draws on our streams, not on the process's. */
  private processOutput(): ProcessOutput {
    return new ProcessOutput(this.options.out as NodeJS.WriteStream, this.options.err as NodeJS.WriteStream);
  }

  /** Writes the logged text segments up to (not including) `upTo` that have not been written yet. */
  private flushed = 0;
  private flush(upTo: number): void {
    for (; this.flushed < upTo; this.flushed++) {
      const text = this.segments[this.flushed]!;
      if (text) this.options.out.write(text);
      this.segments[this.flushed] = "";
    }
  }
}
