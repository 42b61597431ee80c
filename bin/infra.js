#!/usr/bin/env node
// Thin launcher: runs the CLI bundled from src/ (dist/bundle/infra.cjs, npm run build; see scripts/bundle.mjs)
// with V8's compiled code cached beside it, as `infra.cjs.cache`. Compiling the bundle from source costs ~75 ms
// of every run; reading the cache a few. V8 rejects a cache that does not match the bundle or the Node binary,
// and then this run writes a new one. The first byte ranks the run that wrote it: a run of `apply` or `check`
// compiles the code a real run uses (ssh2's handshake, the engine, the modules), `--version` little more than the
// top level, so a richer run replaces a poorer cache once. INFRA_CODE_CACHE names another cache file; "off"
// turns caching off. The cache holds code only, never a run's data.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Buffer, isAscii } from "node:buffer";
import { URL, fileURLToPath } from "node:url";
import { Script, constants } from "node:vm";

// bin/infra moved NODE_EXTRA_CA_CERTS aside so that Node would not load it at start-up; the programs infra starts
// get it back, and so does the one place that opens TLS (modules/db/influx-client.ts reads the file itself).
if (process.env.INFRA_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.INFRA_EXTRA_CA_CERTS;
  delete process.env.INFRA_EXTRA_CA_CERTS;
}

const bundle = fileURLToPath(new URL("../dist/bundle/infra.cjs", import.meta.url));
const setting = process.env.INFRA_CODE_CACHE;
const cacheFile = setting === "off" ? undefined : setting || `${bundle}.cache`;
const rank = ["apply", "check"].includes(process.argv[2] ?? "") ? 2 : 1;

/** The cache's first byte (the rank of the run that wrote it) and V8's data after it; undefined when none. */
let cached;
try {
  const file = cacheFile ? readFileSync(cacheFile) : undefined;
  if (file && file.length > 1) cached = { rank: file[0], data: file.subarray(1) };
} catch {
  // no cache yet: this run writes one
}
let code;
try {
  const bytes = readFileSync(bundle);
  // Latin-1 is a plain copy into a one-byte string; UTF-8 decoding cost ~15 ms more (the same text when ASCII).
  code = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
} catch (e) {
  process.stderr.write(
    `ERROR! infra is not built (${e.code === "ENOENT" ? `${bundle} is missing` : e.message}).\n`,
  );
  process.stderr.write(
    "Run `npm run build` (or `bash scripts/setup`) in the infra folder, then try again.\n",
  );
  process.exit(1);
}
// The function Node's CommonJS loader wraps every file in, so the bundle sees require, module and __dirname.
const source = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
const script = new Script(source, {
  filename: bundle,
  ...(cached ? { cachedData: cached.data } : {}),
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const stale = !cached || script.cachedDataRejected === true || cached.rank < rank;
if (cacheFile && stale)
  process.once("exit", () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.of(rank), script.createCachedData()]));
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true }); // a read-only install (or a full disk) runs without a cache
    }
  });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
