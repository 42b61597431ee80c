/**
 * Where a vault password comes from, read the way Ansible reads it:
 * - a file: its content with surrounding whitespace stripped (the file may itself be vault-encrypted with a
 *   secret given earlier on the command line);
 * - an executable file: a script whose stdout is the password; a script named `*-client` or `*-client.ext` is
 *   asked for a specific vault id with `--vault-id LABEL` (exit code 2 means "no such id");
 * - a prompt: typed without echo, twice when encrypting.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { InfraError } from "../util/errors.js";
import type { PromptFn } from "./prompt.js";
import { isVaultText } from "./envelope.js";
import { DEFAULT_LABEL, decryptBytes, type VaultSecret } from "./vault.js";

export interface SourceContext {
  cwd: string;
  prompt: PromptFn;
  /** Encrypting asks for a new password and its confirmation. */
  forEncrypt: boolean;
  /** Secrets loaded so far, to open a password file that is itself vaulted. */
  earlier: readonly VaultSecret[];
}

const PY_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const NEWLINES = new Set([0x0a, 0x0d]);

/** Python's bytes.strip(chars): removes the given bytes from both ends. */
function stripBytes(data: Buffer, chars: Set<number>): Buffer {
  let start = 0;
  let end = data.length;
  while (start < end && chars.has(data[start]!)) start++;
  while (end > start && chars.has(data[end - 1]!)) end--;
  return data.subarray(start, end);
}

/** Ansible decides by name alone: `pass-client`, `pass-client.py`. */
export function isClientScript(file: string): boolean {
  const name = basename(file);
  return name.slice(0, name.length - extname(name).length).endsWith("-client");
}

function isExecutable(file: string): boolean {
  const st = statSync(file);
  return st.isFile() && (st.mode & 0o111) !== 0;
}

function runScript(
  file: string,
  args: string[],
  client: boolean,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((done, fail) => {
    // A plain script keeps stderr on the terminal so it can prompt; a client script's stderr explains failures.
    const child = spawn(file, args, { stdio: ["inherit", "pipe", client ? "pipe" : "inherit"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) =>
      fail(
        new InfraError(`Problem running vault password script ${file} (${e.message})`, {
          hint: "If this is not a script, remove the executable bit from the file (chmod -x).",
        }),
      ),
    );
    child.on("close", (code) =>
      done({
        code: code ?? 1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8").trim(),
      }),
    );
  });
}

async function passwordFromScript(file: string, label: string | undefined): Promise<Buffer> {
  const client = isClientScript(file);
  const args = client && label ? ["--vault-id", label] : [];
  const { code, stdout, stderr } = await runScript(file, args, client);
  if (client && code === 2) {
    throw new InfraError(
      `Vault password client script ${file} did not find a secret for vault-id=${label}: ${stderr}`,
    );
  }
  if (code !== 0) {
    throw new InfraError(
      `Vault password script ${file} returned non-zero (${code})${stderr ? `: ${stderr}` : ""}`,
      {
        hint: "Run the script by hand to see what goes wrong; it must print the password on stdout and exit 0.",
      },
    );
  }
  const password = stripBytes(stdout, NEWLINES);
  if (password.length === 0) {
    throw new InfraError(`Invalid vault password was provided from script (${file}): it printed nothing`);
  }
  return password;
}

function passwordFromPlainFile(file: string, ctx: SourceContext): Buffer {
  let data: Buffer;
  try {
    data = stripBytes(readFileSync(file), PY_WHITESPACE);
  } catch (e) {
    throw new InfraError(`Could not read vault password file ${file}: ${(e as Error).message}`);
  }
  if (isVaultText(data))
    data = decryptBytes(data, ctx.earlier, { origin: `vault password file ${file}` }).plaintext;
  const password = stripBytes(data, NEWLINES);
  if (password.length === 0) {
    throw new InfraError(`Invalid vault password was provided from file (${file}): the file is empty`, {
      hint: "Put the vault password on the first line of the file.",
    });
  }
  return password;
}

export async function secretFromFile(
  path: string,
  label: string | undefined,
  ctx: SourceContext,
): Promise<VaultSecret> {
  const file = resolve(ctx.cwd, path);
  if (!existsSync(file)) {
    throw new InfraError(`The vault password file ${file} was not found`, {
      hint: "Check the path given to --vault-password-file / --vault-id, or vault_password_file in ansible.cfg.",
    });
  }
  const script = isExecutable(file);
  const password = script ? await passwordFromScript(file, label) : passwordFromPlainFile(file, ctx);
  return { label: label ?? DEFAULT_LABEL, password, source: `${script ? "script" : "file"} ${path}` };
}

/**
 * `--ask-vault-pass` keeps Ansible's historic wording ("Vault password: ") that tools such as AWX wait for;
 * `--vault-id label@prompt` names the label.
 */
export async function secretFromPrompt(label: string | undefined, ctx: SourceContext): Promise<VaultSecret> {
  const questions = label
    ? ctx.forEncrypt
      ? [`New vault password (${label}): `, `Confirm new vault password (${label}): `]
      : [`Vault password (${label}): `]
    : ctx.forEncrypt
      ? ["New Vault password: ", "Confirm New Vault password: "]
      : ["Vault password: "];
  const answers: string[] = [];
  for (const q of questions) {
    const answer = (await ctx.prompt(q)).trim();
    if (answer === "")
      throw new InfraError("Invalid vault password was provided: the prompt answer was empty");
    answers.push(answer);
  }
  if (answers.some((a) => a !== answers[0])) throw new InfraError("Passwords do not match");
  return { label: label ?? DEFAULT_LABEL, password: Buffer.from(answers[0]!, "utf8"), source: "prompt" };
}
