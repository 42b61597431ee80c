/**
 * OpenSSH known_hosts files, read the way ssh(1) reads them: plain and hashed (|1|salt|hash) host fields,
 * comma-separated patterns with * ? and ! negation, `[host]:port` for ports other than 22, and the @revoked marker
 * (@cert-authority lines are skipped: host certificates are not supported). Keys are compared as raw key blobs.
 */
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

export interface KnownHostEntry {
  file: string;
  line: number; // 1-based
  marker?: "revoked" | "cert-authority";
  hosts: string;
  keyType: string;
  key: Buffer;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === "" || fields[0].startsWith("#")) return;
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@revoked" || fields[0] === "@cert-authority") {
      marker = fields[0].slice(1) as KnownHostEntry["marker"];
      fields.shift();
    }
    if (fields.length < 3) return; // ssh(1) skips malformed lines too
    const key = Buffer.from(fields[2], "base64");
    if (key.length === 0) return;
    entries.push({
      file,
      line: i + 1,
      marker,
      hosts: fields[0],
      keyType: blobKeyType(key) ?? fields[1],
      key,
    });
  });
  return entries;
}

/** Entries from each file that exists; a missing file counts as empty, as it does for ssh(1). */
export function readKnownHosts(files: string[]): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    entries.push(...parseKnownHosts(text, file));
  }
  return entries;
}

/** The algorithm name at the start of an SSH public key blob (a uint32-length-prefixed string). */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  return blob.subarray(4, 4 + len).toString("latin1");
}

/** `host` on port 22, `[host]:port` otherwise: the name ssh(1) looks up and writes. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** Whether a host field (one hashed name, or a pattern list) covers `name`. A matching !pattern vetoes the line. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith("|1|")) {
    const [, , salt, hash] = field.split("|");
    if (!salt || !hash) return false;
    const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
    return mac === hash;
  }
  let matched = false;
  for (const pattern of field.split(",")) {
    const negated = pattern.startsWith("!");
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict =
  | { status: "trusted"; entry: KnownHostEntry }
  | { status: "revoked"; entry: KnownHostEntry }
  | { status: "changed"; old: KnownHostEntry }
  | { status: "unknown"; otherTypes: KnownHostEntry[] };

/**
 * The verdict ssh(1) with StrictHostKeyChecking=yes reaches for `presented` from host:port. Like ssh, a host on
 * another port than 22 that has no `[host]:port` entry of this key type is also trusted when a bare `host` entry
 * holds exactly this key ("found matching key w/out port"); a different key there does not make it "changed".
 */
export function checkHostKey(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  presented: Buffer,
): HostKeyVerdict {
  const verdict = checkName(entries, lookupName(host, port), presented);
  if (verdict.status === "unknown" && port !== 22) {
    const bare = checkName(entries, lookupName(host, 22), presented);
    if (bare.status === "trusted") return bare;
  }
  return verdict;
}

function checkName(entries: KnownHostEntry[], name: string, presented: Buffer): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && hostFieldMatches(e.hosts, name));
  const revoked = forHost.find((e) => e.marker === "revoked" && e.key.equals(presented));
  if (revoked) return { status: "revoked", entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const trusted = plain.find((e) => e.key.equals(presented));
  if (trusted) return { status: "trusted", entry: trusted };
  // An RSA key's blob says ssh-rsa whichever signature algorithm (rsa-sha2-256/512) was negotiated.
  const type = blobKeyType(presented) ?? "";
  const old = plain.find((e) => e.keyType === type);
  if (old) return { status: "changed", old };
  return { status: "unknown", otherTypes: plain };
}

/** Key types known for host:port, in file order (used to ask the server for a key we can check). */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = lookupName(host, port);
  const types = entries
    .filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** SHA256:… as ssh-keygen -l prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
