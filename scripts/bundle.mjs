#!/usr/bin/env node
/**
 * The executable's code as a few ES module files (dist/bundle/) instead of the ~300 files tsc writes to dist/:
 * Node resolves, reads and links every module file it imports, and for `infra apply` that was half of a no-op
 * run's controller time (about 250 ms of 500). The command actions stay separate chunks, loaded on use.
 * dist/ stays as tsc writes it for the tests and the benchmark, which import single modules from it.
 *
 * ssh2 stays outside: it loads native bindings by relative path, which a bundle would break.
 */
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/cli/run.ts"],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["ssh2"],
  // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __infraRequire } from 'node:module'; const require = __infraRequire(import.meta.url);",
  },
  logLevel: "warning",
});
