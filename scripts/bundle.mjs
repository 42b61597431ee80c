#!/usr/bin/env node
/**
 * The executable's code as a few ES module files (dist/bundle/) instead of the ~300 files tsc writes to dist/:
 * Node resolves, reads and links every module file it imports, and for `infra apply` that was half of a no-op
 * run's controller time (about 250 ms of 500). The command actions stay separate chunks, loaded on use.
 * dist/ stays as tsc writes it for the tests and the benchmark, which import single modules from it.
 *
 * ssh2 is bundled too (loading its ~40 files through Node's CommonJS loader cost ~6 ms on every run). Its native
 * bindings (sshcrypto.node, cpufeatures.node) stay files in node_modules: their require() paths are rewritten
 * relative to dist/bundle/, and ssh2 still falls back to Node's crypto where one was not built.
 */
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/bundle");

/** `require("./build/Release/x.node")` keeps loading the addon where npm built it. */
const nativeAddonsInPlace = {
  name: "native-addons-in-place",
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (a) => ({
      path: "./" + relative(outdir, resolve(a.resolveDir, a.path)),
      external: true,
    }));
  },
};
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
  plugins: [nativeAddonsInPlace],
  // CommonJS dependencies bundled into an ES module still call require() (for built-ins and the addons) and read
  // __dirname (ssh2's asm.js poly1305 does, to name its own folder).
  banner: {
    js: "import { createRequire as __infraRequire } from 'node:module'; import { fileURLToPath as __infraPath } from 'node:url'; const require = __infraRequire(import.meta.url); const __filename = __infraPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
  },
  logLevel: "warning",
});
