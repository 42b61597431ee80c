/**
 * TLS trust as Node gives it with NODE_EXTRA_CA_CERTS: its bundled roots plus the file's certificates. bin/infra
 * keeps Node from loading them at start-up (~80 ms of every run; see there), so the code that opens TLS asks here
 * instead, when it does.
 */
import { readFileSync } from "node:fs";
import tls from "node:tls";

const loaded = new Map<string, string[]>();

/**
 * The `ca` option for tls.connect: undefined when NODE_EXTRA_CA_CERTS is unset (Node's defaults apply). A file
 * that cannot be read is ignored with Node's words, as Node ignores it.
 */
export function trustedCertificates(
  env: NodeJS.ProcessEnv,
  warn: (msg: string) => void,
): string[] | undefined {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  let ca = loaded.get(file);
  if (!ca) {
    try {
      ca = [...tls.rootCertificates, readFileSync(file, "utf8")];
    } catch (e) {
      warn(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
      return undefined;
    }
    loaded.set(file, ca);
  }
  return ca;
}
