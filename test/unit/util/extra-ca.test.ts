/**
 * trustedCertificates against a real TLS server on loopback whose certificate a throw-away CA signed (openssl):
 * trusted with NODE_EXTRA_CA_CERTS naming that CA, refused without it, and an unreadable file is warned about and
 * ignored the way Node ignores it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { trustedCertificates } from "../../../src/util/extra-ca.js";

const dir = mkdtempSync(join(tmpdir(), "infra-ca-"));
let server: tls.Server;
let port: number;

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

beforeAll(async () => {
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=infra test CA",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "srv.key",
    "-out",
    "srv.csr",
    "-subj",
    "/CN=localhost",
  );
  execFileSync("sh", ["-c", "printf 'subjectAltName=DNS:localhost\\n' > ext.cnf"], { cwd: dir });
  openssl(
    "x509",
    "-req",
    "-in",
    "srv.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "srv.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  );
  server = tls.createServer(
    { key: readFileSync(join(dir, "srv.key")), cert: readFileSync(join(dir, "srv.pem")) },
    (s) => s.end("hello"),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function handshake(ca: string[] | undefined): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ...(ca ? { ca } : {}) });
    s.once("secureConnect", () => {
      resolve("trusted");
      s.destroy();
    });
    s.once("error", (e) => resolve(e.message));
  });
}

describe("trustedCertificates", () => {
  it("trusts a server signed by the CA that NODE_EXTRA_CA_CERTS names, and Node's roots as well", async () => {
    const ca = trustedCertificates({ NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") }, () => {});
    expect(ca).toBeDefined();
    expect(ca!.length).toBe(tls.rootCertificates.length + 1);
    expect(await handshake(ca)).toBe("trusted");
  });

  it("leaves Node's defaults without the variable, and they refuse that server", async () => {
    expect(trustedCertificates({}, () => {})).toBeUndefined();
    expect(await handshake(undefined)).toMatch(/self[- ]signed|unable to (get|verify)/i);
  });

  it("warns about a file it cannot read and ignores it", () => {
    const warnings: string[] = [];
    expect(
      trustedCertificates({ NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") }, (m) => warnings.push(m)),
    ).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Ignoring extra certs from \`${join(dir, "missing.pem")}\``);
  });
});
