/**
 * Asks for a password on the terminal without echoing it (like Python's getpass, which Ansible uses). Without a
 * terminal it reads one line from stdin, so `infra ... --ask-vault-pass <<< "$PW"` works in scripts. Used for the
 * vault password and for -K's become password.
 */
import { readSync } from "node:fs";
import { ExitCode, InfraError } from "../util/errors.js";

export type PromptFn = (question: string) => Promise<string>;

/** One line from stdin, read byte by byte so whatever follows stays in stdin for the command itself. */
function readLine(): Promise<string> {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((e as NodeJS.ErrnoException).code === "EOF") n = 0;
      else throw e;
    }
    if (n === 0) {
      process.stderr.write("\n");
      if (bytes.length === 0)
        return Promise.reject(new InfraError("EOF on the password prompt (stdin was empty)"));
      break;
    }
    if (one[0] === 0x0a) break;
    bytes.push(one[0]!);
  }
  return Promise.resolve(Buffer.from(bytes).toString("utf8").replace(/\r$/, ""));
}

function readHidden(): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (err?: InfraError) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003")
          return finish(
            new InfraError("Interrupted at the password prompt", { exitCode: ExitCode.interrupted }),
          );
        if (ch === "\u0004") {
          if (typed === "") return finish(new InfraError("EOF (ctrl-d) on the password prompt"));
          continue;
        }
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch === "\u0015")
          typed = ""; // ctrl-u erases the line, as in a cooked terminal
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

export const promptHidden: PromptFn = async (question) => {
  process.stderr.write(question);
  return process.stdin.isTTY ? readHidden() : readLine();
};
