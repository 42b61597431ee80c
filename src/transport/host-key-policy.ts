/**
 * Host key checking for one connection attempt: which host key algorithms to ask for (the types we already know
 * for this host first, as ssh(1) does, so a host known by its RSA key is not refused for showing ed25519), and the
 * verifier that accepts, or records a HostKeyError saying which file and line hold the old key and what to do.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { HostKeyError } from "./errors.js";
import {
  checkHostKey,
  fingerprint,
  knownKeyTypes,
  lookupName,
  readKnownHosts,
  blobKeyType,
} from "./known-hosts.js";

/** ssh2's default order; a known key type pulls its algorithms to the front. */
const DEFAULT_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

function algorithmsFor(keyType: string): string[] {
  return keyType === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [keyType];
}

export function defaultKnownHostsFiles(): string[] {
  return [join(homedir(), ".ssh", "known_hosts"), join(homedir(), ".ssh", "known_hosts2")];
}

export const GLOBAL_KNOWN_HOSTS_FILES = ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"];

export interface HostKeyPolicy {
  /** Host key algorithms to offer, in preference order. */
  algorithms: string[];
  /** ssh2's hostVerifier: true to accept. On refusal, `refusal` holds the error to report. */
  verify(key: Buffer): boolean;
  refusal?: HostKeyError;
}

const SHORT_TYPE: Record<string, string> = {
  "ssh-ed25519": "ed25519",
  "ssh-rsa": "rsa",
  "ecdsa-sha2-nistp256": "ecdsa",
  "ecdsa-sha2-nistp384": "ecdsa",
  "ecdsa-sha2-nistp521": "ecdsa",
};

/**
 * checking: true refuses unknown and changed keys; "accept-new" (StrictHostKeyChecking=accept-new) records an
 * unknown host's key in the first file, as ssh(1) does, and still refuses changed ones; false accepts anything.
 */
export function hostKeyPolicy(opts: {
  host: string;
  port: number;
  checking: boolean | "accept-new";
  files: string[];
}): HostKeyPolicy {
  if (!opts.checking) return { algorithms: DEFAULT_ALGORITHMS, verify: () => true };
  const entries = readKnownHosts(opts.files);
  const known = knownKeyTypes(entries, opts.host, opts.port).flatMap(algorithmsFor);
  const algorithms = [
    ...new Set([...known.filter((a) => DEFAULT_ALGORITHMS.includes(a)), ...DEFAULT_ALGORITHMS]),
  ];
  const policy: HostKeyPolicy = {
    algorithms,
    verify(key: Buffer): boolean {
      const verdict = checkHostKey(entries, opts.host, opts.port, key);
      if (verdict.status === "trusted") return true;
      const { host, port, files } = opts;
      const name = lookupName(host, port);
      const type = blobKeyType(key) ?? "unknown";
      if (verdict.status === "unknown" && opts.checking === "accept-new" && files.length > 0) {
        try {
          mkdirSync(dirname(files[0]), { recursive: true, mode: 0o700 });
          appendFileSync(files[0], `${name} ${type} ${key.toString("base64")}\n`, { mode: 0o600 });
        } catch {
          // ssh(1) too connects anyway when it cannot record the key ("Failed to add the host").
        }
        return true;
      }
      const short = SHORT_TYPE[type] ?? type;
      const shown = `${short} key ${fingerprint(key)}`;
      const scan = `ssh-keyscan ${port === 22 ? "" : `-p ${port} `}-t ${short} ${host} >> ${files[0] ?? "~/.ssh/known_hosts"}`;
      const optOut =
        "or turn checking off with host_key_checking = False in ansible.cfg (ANSIBLE_HOST_KEY_CHECKING=False)";
      if (verdict.status === "revoked") {
        policy.refusal = new HostKeyError(
          host,
          `host key verification failed: the server offers ${shown}, which ${verdict.entry.file}:${verdict.entry.line} marks @revoked`,
          "A revoked key is never accepted. Find out why the host still uses it.",
        );
      } else if (verdict.status === "changed") {
        const { file, line } = verdict.old;
        policy.refusal = new HostKeyError(
          host,
          `REMOTE HOST IDENTIFICATION HAS CHANGED: the server offers ${shown}, but ${file}:${line} holds a different ${short} key for ${name}`,
          `If the host was reinstalled, remove the old key with ssh-keygen -f ${file} -R '${name}', then add the new one with ${scan} (after checking the fingerprint), ${optOut}.`,
        );
      } else {
        const others = verdict.otherTypes.map((e) => `${e.keyType} at ${e.file}:${e.line}`).join(", ");
        const where = files.length > 0 ? files.join(", ") : "no known_hosts file";
        policy.refusal = new HostKeyError(
          host,
          `host key verification failed: ${name} is not in ${where} (the server offers ${shown}` +
            (others ? `; only other key types are known: ${others})` : ")"),
          `To trust it: ${scan} (after checking the fingerprint), ${optOut}.`,
        );
      }
      return false;
    },
  };
  return policy;
}
