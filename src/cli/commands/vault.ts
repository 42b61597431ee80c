/**
 * `infra vault`: ansible-vault's everyday commands with the same inputs and byte-identical outputs, so files and
 * `!vault` strings move freely between infra and Ansible.
 *   encrypt-string [STRING…]   print `name: !vault |` blocks to paste into vars files
 *   encrypt / decrypt [FILE…]  in place (atomically, mode 0600), or to --output; no FILE means stdin → stdout
 *   view FILE…                 print the plaintext
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ExitCode, InfraError } from "../../util/errors.js";
import { writeFileAtomic, resolveTarget } from "../../vault/atomic-write.js";
import { isVaultText } from "../../vault/envelope.js";
import { promptHidden } from "../../vault/prompt.js";
import { readAllStdin } from "../../vault/stdin.js";
import { loadVaultSecrets, type VaultSecrets } from "../../vault/secrets.js";
import { encrypt, type VaultSecret } from "../../vault/vault.js";

interface VaultOpts {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
  encryptVaultId?: string;
  output?: string;
}

interface EncryptStringOpts extends VaultOpts {
  name?: string[];
  stdinName?: string;
  prompt?: boolean;
  showInput?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function withVaultOptions(cmd: Command): Command {
  return cmd
    .option(
      "--vault-id <label@source>",
      "vault identity: LABEL@FILE, LABEL@SCRIPT or LABEL@prompt (repeatable)",
      collect,
    )
    .option("--vault-password-file <file>", "vault password file or script (repeatable)", collect)
    .option("-J, --ask-vault-pass", "ask for the vault password");
}

async function secretsFor(o: VaultOpts, forEncrypt: boolean): Promise<VaultSecrets> {
  const secrets = await loadVaultSecrets({
    vaultIds: o.vaultId,
    vaultPasswordFiles: o.vaultPasswordFile,
    askVaultPass: o.askVaultPass,
    forEncrypt,
    autoPrompt: true,
  });
  if (secrets.size === 0) {
    throw new InfraError("A vault password is required to use Ansible's Vault", {
      exitCode: ExitCode.options,
    });
  }
  return secrets;
}

function encryptionSecret(secrets: VaultSecrets, o: VaultOpts): VaultSecret {
  return secrets.encryptionSecret(
    o.encryptVaultId || process.env.ANSIBLE_VAULT_ENCRYPT_IDENTITY || undefined,
  );
}

function readInput(file: string): Buffer {
  try {
    return file === "-" ? readAllStdin() : readFileSync(resolveTarget(file));
  } catch (e) {
    throw new InfraError(`Unable to read source file (${file}): ${(e as Error).message}`);
  }
}

function writeOutput(file: string, data: Buffer | string): void {
  if (file === "-") process.stdout.write(data);
  else writeFileAtomic(file, data);
}

function filesOrStdin(files: string[], o: VaultOpts, what: string): string[] {
  if (o.output && files.length > 1) {
    throw new InfraError("At most one input file may be used with the --output option", {
      exitCode: ExitCode.options,
    });
  }
  if (files.length === 0 && process.stdin.isTTY) process.stderr.write(`Reading ${what} input from stdin\n`);
  return files.length > 0 ? files : ["-"];
}

function done(message: string): void {
  if (process.stdout.isTTY) process.stderr.write(`${message}\n`);
}

/** The YAML block ansible-vault prints: the header line, then the vault text indented by 10 spaces. */
export function formatVaultYaml(vaulttext: string, name?: string): string {
  const lines = vaulttext.split("\n").filter((l) => l !== "");
  return [`${name ? `${name}: ` : ""}!vault |`, ...lines.map((l) => `${" ".repeat(10)}${l}`)].join("\n");
}

interface Plain {
  text: string;
  from: "the command line args" | "stdin" | "the interactive prompt";
  name?: string;
}

async function encryptStringInputs(args: string[], o: EncryptStringOpts): Promise<Plain[]> {
  const strings = args.filter((a) => a !== "-");
  const fromStdin = args.includes("-") || args.length === 0 || o.stdinName !== undefined;
  if (o.prompt && fromStdin) {
    throw new InfraError("The --prompt option is not supported if also reading input from stdin", {
      exitCode: ExitCode.options,
    });
  }
  const inputs: Plain[] = [];
  if (o.prompt) {
    const name = (await promptPlain("Variable name (enter for no name): ")).trim();
    const text = o.showInput
      ? await promptPlain("String to encrypt: ")
      : await promptHidden("String to encrypt (hidden): ");
    if (text === "")
      throw new InfraError("The plaintext provided from the prompt was empty, not encrypting", {
        exitCode: ExitCode.options,
      });
    inputs.push({ text, from: "the interactive prompt", name: name || undefined });
  }
  if (fromStdin) {
    if (process.stdin.isTTY) {
      process.stderr.write(
        "Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n",
      );
    }
    const text = readAllStdin().toString("utf8");
    if (text === "") throw new InfraError("stdin was empty, not encrypting", { exitCode: ExitCode.options });
    inputs.push({ text, from: "stdin", name: o.stdinName });
  }
  const names = o.name ?? [];
  if (names.length > 0 && strings.length > names.length) {
    process.stderr.write("The number of --name options do not match the number of args.\n");
    process.stderr.write(
      `The last named variable will be "${names[names.length - 1]}". The rest will not have names.\n`,
    );
  }
  strings.forEach((text, i) => {
    if (text === "") {
      throw new InfraError("The plaintext provided from the command line args was empty, not encrypting", {
        exitCode: ExitCode.options,
      });
    }
    inputs.push({ text, from: "the command line args", name: names[i] });
  });
  return inputs;
}

async function promptPlain(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

async function encryptString(args: string[], o: EncryptStringOpts): Promise<void> {
  // The password comes first, as in ansible-vault, so a piped password line precedes the piped plaintext.
  const secret = encryptionSecret(await secretsFor(o, true), o);
  const inputs = await encryptStringInputs(args, o);
  const blocks = inputs.map((p, i) => {
    if (inputs.length > 1) {
      process.stderr.write(
        p.name
          ? `# The encrypted version of variable ("${p.name}", the string #${i + 1} from ${p.from}).\n`
          : `# The encrypted version of the string #${i + 1} from ${p.from}.)\n`,
      );
    }
    return formatVaultYaml(encrypt(p.text, secret), p.name);
  });
  // Like ansible-vault: no newline after the last block.
  writeOutput(o.output ?? "-", blocks.join("\n"));
  done("Encryption successful");
}

async function encryptFiles(files: string[], o: VaultOpts): Promise<void> {
  const inputs = filesOrStdin(files, o, "plaintext");
  const secret = encryptionSecret(await secretsFor(o, true), o);
  for (const file of inputs) {
    const data = readInput(file);
    if (isVaultText(data))
      throw new InfraError(`${file} is already vault encrypted`, { hint: "Nothing to do." });
    writeOutput(o.output ?? file, encrypt(data, secret));
  }
  done("Encryption successful");
}

async function decryptFiles(files: string[], o: VaultOpts): Promise<void> {
  const inputs = filesOrStdin(files, o, "ciphertext");
  const secrets = await secretsFor(o, false);
  for (const file of inputs) {
    const name = file === "-" ? "stdin" : file;
    writeOutput(o.output ?? file, secrets.decryptBytes(readInput(file), name));
  }
  done("Decryption successful");
}

async function viewFiles(files: string[], o: VaultOpts): Promise<void> {
  const secrets = await secretsFor(o, false);
  for (const file of files) process.stdout.write(secrets.decryptBytes(readInput(file), file));
}

export function registerVault(program: Command): void {
  const vault = program
    .command("vault")
    .description("encrypt and decrypt Ansible Vault data (files and strings compatible with ansible-vault)");

  withVaultOptions(vault.command("encrypt-string").alias("encrypt_string"))
    .description("encrypt strings into `name: !vault |` YAML blocks (no STRING or '-': read stdin)")
    .argument("[strings...]", "strings to encrypt")
    .option("-n, --name <var>", "variable name for the next STRING (repeatable)", collect)
    .option("--stdin-name <var>", "variable name for the string read from stdin")
    .option("-p, --prompt", "prompt for the string to encrypt")
    .option("--show-input", "do not hide the string typed at --prompt")
    .option("--encrypt-vault-id <label>", "vault id to encrypt with (required with several vault ids)")
    .option("--output <file>", "write to this file instead of stdout")
    .action((args: string[], o: EncryptStringOpts) => encryptString(args, o));

  withVaultOptions(vault.command("encrypt"))
    .description("encrypt files in place (no FILE: stdin to stdout)")
    .argument("[files...]", "files to encrypt")
    .option("--encrypt-vault-id <label>", "vault id to encrypt with (required with several vault ids)")
    .option("--output <file>", "write to this file instead (- for stdout)")
    .action((files: string[], o: VaultOpts) => encryptFiles(files, o));

  withVaultOptions(vault.command("decrypt"))
    .description("decrypt files in place (no FILE: stdin to stdout)")
    .argument("[files...]", "files to decrypt")
    .option("--output <file>", "write to this file instead (- for stdout)")
    .action((files: string[], o: VaultOpts) => decryptFiles(files, o));

  withVaultOptions(vault.command("view"))
    .description("print the decrypted content of vault files")
    .argument("<files...>", "files to view")
    .action((files: string[], o: VaultOpts) => viewFiles(files, o));
}
