/**
 * One long-lived helper process per host (and become user) that runs operations one after another, the way
 * Mitogen speeds up Ansible. An SSH exec channel costs the host an sshd session and, with become, a sudo (PAM,
 * sudoers, logging): about 17 ms of host time per operation on the lab hosts. Through this helper an operation
 * costs one /bin/sh started by Python: about 4 ms. The helper is Python because hosts Ansible can manage have
 * Python by definition, and because it forks once per operation where a shell loop would fork eight times.
 *
 * Framing, both ways over the channel's stdin/stdout:
 *   request:  "<id> <script bytes> <input bytes>[ py]\n" <script> <input>
 *   reply:    "<id> <rc> <signal number or 0> <stdout bytes> <stderr bytes>\n" <stdout> <stderr>
 * With "py" the script is Python run inside the helper itself (no process at all): read-only questions about the
 * host (stat, checksums, user lookups; see modules/util/probe.ts) that a shell answers with a dozen programs.
 * A NUL byte may split such a script into a shared part, the same text on every call (a module's functions), and
 * the call: the helper compiles the shared part once and runs both in a fresh namespace each time. Compiling a
 * probe's ~5 KB of functions was ~1 ms of host CPU per operation; NUL cannot occur in Python source otherwise.
 * Lengths make the framing immune to whatever the operation prints. Input reaches the script on its stdin through
 * a pipe, never a file or an argument, so passwords stay out of `ps` and off the disk.
 */
import { constants } from "node:os";
import { InfraError } from "../util/errors.js";
import type { CollectedOutput } from "./process-io.js";
import type { ExecStream } from "./types.js";

const READY = "INFRA-OPS-READY";

/** The helper. Reads requests until stdin ends; each script runs in its own /bin/sh, so `exit`, `cd` and traps stay
 * inside it. A signal death is reported as its number (Python's negative returncode). It uses os.posix_spawn and
 * poll rather than subprocess, whose import alone doubles Python's start (8 → 19 ms of host time per helper);
 * like subprocess it gives the script default SIGPIPE and SIGXFSZ handling. Without posix_spawn (Python < 3.8) it
 * exits 97 before greeting, and the identity's operations stay on channels. */
const HELPER_PY = `
import os, sys, select, signal
if not hasattr(os, "posix_spawn"):
    sys.exit(97)
i, o = sys.stdin.buffer, sys.stdout.buffer
DUP2 = os.POSIX_SPAWN_DUP2
def take(n):
    b = b""
    while len(b) < n:
        c = i.read(n - len(b))
        if not c:
            sys.exit(0)
        b += c
    return b
def run(script, data):
    r0, w0 = os.pipe()
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    pid = os.posix_spawn("/bin/sh", ["/bin/sh", "-c", script], os.environ,
        file_actions=[(DUP2, r0, 0), (DUP2, w1, 1), (DUP2, w2, 2)], setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
    for f in (r0, w1, w2):
        os.close(f)
    out = {r1: [], r2: []}
    p = select.poll()
    for f in out:
        p.register(f, select.POLLIN)
    data = memoryview(data)
    if data:
        os.set_blocking(w0, False)
        p.register(w0, select.POLLOUT)
    else:
        os.close(w0)
    live = len(out) + (1 if data else 0)
    while live:
        for f, _ in p.poll():
            if f in out:
                c = os.read(f, 65536)
                if c:
                    out[f].append(c)
                    continue
            else:
                try:
                    data = data[os.write(f, data):]
                    if data:
                        continue
                except BlockingIOError:
                    continue
                except OSError:
                    pass
            p.unregister(f)
            os.close(f)
            live -= 1
    st = os.waitpid(pid, 0)[1]
    rc = -os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st)
    return rc, b"".join(out[r1]), b"".join(out[r2])
SHARED = {}
def shared_code(text):
    c = SHARED.get(text)
    if c is None:
        if len(SHARED) >= 32:
            SHARED.clear()
        c = SHARED[text] = compile(text, "<shared>", "exec")
    return c
def py(code, data):
    out = []
    try:
        g = {"w": out.append, "data": data, "sh": run}
        if b"\\0" in code:
            shared, code = code.split(b"\\0", 1)
            exec(shared_code(shared), g)
        exec(code, g)
        return 0, b"".join(out), b""
    except BaseException as e:
        return 1, b"", ("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace")
o.write(b"${READY}\\n")
o.flush()
while True:
    h = i.readline()
    if not h:
        break
    f = h.split()
    body, data = take(int(f[1])), take(int(f[2]))
    rid, (rc, out, err) = f[0], (py(body, data) if f[3:] == [b"py"] else run(body, data))
    rc, sig = (rc, 0) if rc >= 0 else (128 - rc, -rc)
    o.write(b"%s %d %d %d %d\\n" % (rid, rc, sig, len(out), len(err)) + out + err)
    o.flush()
`;

/** The command that starts the helper; exits 97 without output where there is no python3. */
export function opShellCommand(): string {
  return `command -v python3 >/dev/null 2>&1 || exit 97\nexec python3 -u -c '${HELPER_PY.replace(/'/g, `'\\''`)}'`;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n as number, name]));

interface Pending {
  id: number;
  resolve: (out: CollectedOutput) => void;
  reject: (e: Error) => void;
}

export class OpShell {
  private buffer: Buffer = Buffer.alloc(0);
  private pending?: Pending;
  private reserved = false;
  private closeWhenAnswered = false;
  private nextId = 1;
  private endReason?: Error;
  private readyWaiter?: { resolve: (ok: boolean) => void };
  /** Settles true once the helper answered, false if it could not start (no python3, refused). */
  readonly ready: Promise<boolean>;

  constructor(
    private readonly host: string,
    private readonly stream: ExecStream,
  ) {
    this.ready = new Promise<boolean>((resolve) => (this.readyWaiter = { resolve }));
    stream.on("data", (chunk: Buffer) => this.receive(chunk));
    stream.on("error", (e: Error) => this.end(e));
    stream.on("end", () => this.end());
    stream.on("close", () => this.end());
    stream.stderr.resume(); // the helper itself prints nothing there; don't let a stray line stall the channel
    stream.exit.catch(() => {});
  }

  /** True while an operation is running: a second one goes elsewhere instead of waiting behind it. */
  get busy(): boolean {
    return this.pending !== undefined || this.reserved;
  }

  /** Promised to a caller that will `run` on it after an await: nobody else may take it meanwhile. */
  reserve(): this {
    this.reserved = true;
    return this;
  }

  /** The helper is gone (exited, broke off, or its channel closed). */
  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Ready and not ended. */
  get usable(): boolean {
    return this.endReason === undefined && this.readyWaiter === undefined;
  }

  /** Runs a /bin/sh script. */
  run(script: string, input?: string | Buffer): Promise<CollectedOutput> {
    return this.send(script, input, "");
  }

  /** Runs Python code inside the helper: it prints through `w(bytes)`, reads `data`, may run `sh(script, data)`
   * (→ rc, stdout, stderr); an exception makes rc 1 with its message on stderr. */
  runPython(code: string, input?: string | Buffer): Promise<CollectedOutput> {
    return this.send(code, input, " py");
  }

  private send(script: string, input: string | Buffer | undefined, kind: string): Promise<CollectedOutput> {
    if (!this.usable || this.pending) throw new Error("OpShell.run called while unusable or busy");
    this.reserved = false;
    const body = Buffer.from(script, "utf8");
    const data = input === undefined ? Buffer.alloc(0) : Buffer.from(input);
    const id = this.nextId++;
    return new Promise<CollectedOutput>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.stream.write(
        Buffer.concat([Buffer.from(`${id} ${body.length} ${data.length}${kind}\n`), body, data]),
      );
    });
  }

  close(): void {
    this.end();
    this.stream.end();
  }

  /** Closes once the operation in flight (or promised) has its answer; at once when there is none. */
  closeWhenIdle(): void {
    if (this.busy) this.closeWhenAnswered = true;
    else this.close();
  }

  /** Asked to close when the operation in flight is answered. */
  get closing(): boolean {
    return this.closeWhenAnswered;
  }

  private end(cause?: Error): void {
    if (this.endReason) return;
    this.endReason =
      cause ?? new InfraError(`${this.host}: the operation helper ended while running an operation`);
    this.readyWaiter?.resolve(false);
    this.readyWaiter = undefined;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.endReason);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString("latin1");
      if (this.readyWaiter) {
        this.buffer = this.buffer.subarray(nl + 1);
        const waiter = this.readyWaiter;
        this.readyWaiter = undefined;
        if (header === READY) waiter.resolve(true);
        else this.fail(`unexpected greeting ${JSON.stringify(header.slice(0, 80))}`);
        continue;
      }
      const fields = header.split(" ").map(Number);
      const [id, rc, sig, outLen, errLen] = fields;
      if (
        fields.length !== 5 ||
        fields.some((n) => !Number.isInteger(n) || n < 0) ||
        id !== this.pending?.id
      ) {
        // Not quoted: what stands there may be an operation's output, secrets included.
        return this.fail("a reply out of step");
      }
      const end = nl + 1 + outLen! + errLen!;
      if (this.buffer.length < end) return;
      const stdout = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + outLen!));
      const stderr = this.buffer.subarray(nl + 1 + outLen!, end).toString("utf8");
      this.buffer = this.buffer.subarray(end);
      const p = this.pending!;
      this.pending = undefined;
      const signal = sig ? SIGNAL_NAMES.get(sig) : undefined;
      p.resolve({ rc: rc!, stdout, stderr, ...(signal ? { signal } : {}) });
      if (this.closeWhenAnswered) return this.close();
    }
  }

  /** The helper said something it should not have: stop using it (its caller's operation fails, a re-run mends). */
  private fail(why: string): void {
    this.end(new InfraError(`${this.host}: the operation helper broke off: ${why}`));
    this.stream.destroy();
  }
}
