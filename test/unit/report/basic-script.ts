/**
 * The events of fixtures/playbooks/basic.yml as the engine sends them, in the host order of each recorded run
 * (the order results arrive in differs between runs; the rendering of each must not).
 */
import { Script } from "./helpers.js";

const BOOK = "/tmp/ansfix/basic.yml";
const MULTILINE = "line one\nligne deux é ü 日本";

export interface BasicRun {
  multiLineOrder: string[];
  /** Per host, in arrival order: the command module's result (timings differ per run). */
  command: [string, Record<string, unknown>][];
  failOnOneOrder: string[];
  notify?: boolean;
}

export function basicScript(run: BasicRun): Script {
  const s = new Script().start(BOOK).play("Basic things", ["h1", "h2"]);
  s.task("Say hello", "debug", `${BOOK}:5`)
    .ok("h1", { changed: false, msg: "hello h1" })
    .ok("h2", { changed: false, msg: "hello h2" });
  s.task("Multi-line and unicode", "debug", `${BOOK}:8`);
  for (const h of run.multiLineOrder) s.ok(h, { changed: false, msg: MULTILINE });
  const greeting = { b: [1, 2.5, "x"], a: true, c: null };
  s.task("Show a var", "debug", `${BOOK}:11`)
    .ok("h1", { changed: false, greeting })
    .ok("h2", { changed: false, greeting });
  s.task("debug", "debug", `${BOOK}:16`)
    .ok("h1", { changed: false, msg: "unnamed" })
    .ok("h2", { changed: false, msg: "unnamed" });
  s.task("Run a command", "command", `${BOOK}:18`);
  for (const [h, result] of run.command) {
    if (run.notify) s.event({ type: "handler_notified", host: h, handler: "restart thing" });
    s.changed(h, result);
  }
  s.task("Skipped one", "debug", `${BOOK}:22`)
    .result("h1", "skipped", { changed: false, skipped: true, skip_reason: "Conditional result was False" })
    .result("h2", "skipped", { changed: false, skipped: true, skip_reason: "Conditional result was False" });
  s.task("Set a fact", "set_fact", `${BOOK}:26`)
    .ok("h1", { changed: false, ansible_facts: { x: 1 } })
    .ok("h2", { changed: false, ansible_facts: { x: 1 } });
  s.task("Fail but ignore", "fail", `${BOOK}:29`)
    .failed("h1", { changed: false, msg: 'it broke "quoted"' }, { ignored: true })
    .failed("h2", { changed: false, msg: 'it broke "quoted"' }, { ignored: true });
  s.task("Fail on one host", "fail", `${BOOK}:33`);
  for (const h of run.failOnOneOrder) {
    if (h === "h1") s.skipped("h1");
    else s.failed("h2", { changed: false, msg: "only h2" });
  }
  s.task("After failure", "debug", `${BOOK}:37`).ok("h1", { changed: false, msg: "still here" });
  s.handler("restart thing", "debug", `${BOOK}:41`).ok("h1", { changed: false, msg: "restarted" });
  return s
    .recap({
      h1: { ok: 9, changed: 1, skipped: 2, ignored: 1 },
      h2: { ok: 7, changed: 1, failed: 1, skipped: 1, ignored: 1 },
    })
    .end(2);
}

/** The command module's result as recorded at -v (start/end/delta from that run). */
export function commandResult(start: string, end: string, delta: string): Record<string, unknown> {
  return {
    ansible_facts: { discovered_interpreter_python: "/usr/bin/python3" },
    changed: true,
    cmd: ["true"],
    delta,
    end,
    msg: "",
    rc: 0,
    start,
    stderr: "",
    stderr_lines: [],
    stdout: "",
    stdout_lines: [],
    invocation: { module_args: { _raw_params: "true" } },
  };
}
