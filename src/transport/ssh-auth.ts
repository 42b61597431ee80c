/**
 * Which credentials to offer, in ssh(1)'s order: the given private key, the agent's keys, the default identity
 * files (only when no key was given), then the password (also answering keyboard-interactive prompts with it).
 * Each method is offered only if the server still accepts that kind.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
// ssh2 is CommonJS: Node's ESM loader only gives its default export.
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType } from "ssh2";
const { utils } = ssh2;
import { UnreachableError } from "./errors.js";

export interface AuthOptions {
  user: string;
  privateKeyPath?: string;
  passphrase?: string;
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK. false: don't use an agent. */
  agent?: string | false;
  password?: string;
  /** Tried when no privateKeyPath is given; defaults to ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  identityFiles?: string[];
}

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** What was offered, for the "Permission denied" message. */
  describe(): string;
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(1)) : p;
}

function readKey(
  path: string,
  passphrase: string | undefined,
  host: string,
  required: boolean,
): Buffer | undefined {
  const file = expandHome(path);
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    if (!required) return undefined;
    throw new UnreachableError(
      host,
      `private key file ${file} cannot be read (${(e as NodeJS.ErrnoException).code})`,
      {
        hint: "Check ansible_ssh_private_key_file / private_key_file.",
      },
    );
  }
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    if (!required) return undefined;
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new UnreachableError(host, `private key file ${file} cannot be used: ${parsed.message}`, {
      hint: encrypted
        ? "The key is protected by a passphrase: load it into ssh-agent (ssh-add) instead."
        : undefined,
    });
  }
  return data;
}

export function authPlan(opts: AuthOptions, host: string): AuthPlan {
  const methods: { kind: AuthenticationType; label: string; method: AnyAuthMethod }[] = [];
  const username = opts.user;
  if (opts.privateKeyPath !== undefined) {
    const key = readKey(opts.privateKeyPath, opts.passphrase, host, true)!;
    methods.push({
      kind: "publickey",
      label: `key ${expandHome(opts.privateKeyPath)}`,
      method: { type: "publickey", username, key, passphrase: opts.passphrase },
    });
  }
  const agent = opts.agent === undefined ? process.env.SSH_AUTH_SOCK : opts.agent;
  if (agent && existsSync(agent)) {
    methods.push({ kind: "publickey", label: "ssh-agent", method: { type: "agent", username, agent } });
  }
  if (opts.privateKeyPath === undefined) {
    const defaults =
      opts.identityFiles ?? ["id_ed25519", "id_ecdsa", "id_rsa"].map((f) => join(homedir(), ".ssh", f));
    for (const path of defaults) {
      const key = readKey(path, undefined, host, false);
      if (key)
        methods.push({
          kind: "publickey",
          label: `key ${path}`,
          method: { type: "publickey", username, key },
        });
    }
  }
  if (opts.password !== undefined) {
    const password = opts.password;
    methods.push({ kind: "password", label: "password", method: { type: "password", username, password } });
    methods.push({
      kind: "keyboard-interactive",
      label: "keyboard-interactive",
      method: {
        type: "keyboard-interactive",
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
      },
    });
  }
  let next = 0;
  const offered: string[] = [];
  return {
    handler(authsLeft, _partial, callback) {
      while (next < methods.length) {
        const m = methods[next++];
        if (authsLeft && !authsLeft.includes(m.kind)) continue;
        offered.push(m.label);
        return callback(m.method);
      }
      (callback as unknown as (m: false) => void)(false);
    },
    describe: () => (offered.length > 0 ? `tried ${offered.join(", ")}` : "no usable key, agent or password"),
  };
}
