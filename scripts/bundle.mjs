#!/usr/bin/env node
/**
 * The executable's code as one CommonJS script (dist/bundle/infra.cjs) instead of the ~300 files tsc writes to
 * dist/: Node resolves, reads and links every module file it imports, and for `infra apply` that was half of a
 * no-op run's controller time. One script, not ES modules, because Node 20 can cache V8's compiled code only for
 * scripts (vm.Script's cachedData; it has no compile cache for modules): bin/infra.js keeps that cache beside the
 * bundle, and compiling ~2 MB of JavaScript was ~75 ms of every run. Commands and database clients still load on
 * use (esbuild turns their dynamic imports into lazy initialisers).
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
  outfile: join(outdir, "infra.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  plugins: [nativeAddonsInPlace],
  // Without comments and indentation the script is half the size, so reading, hashing and deserialising it cost
  // half; names stay, so -vvvv's stack traces still read. ASCII only, so bin/infra.js reads it as Latin-1.
  minifyWhitespace: true,
  charset: "ascii",
  // Our modules find the repository's checks/, docs/, lab/ and package.json relative to their own file, two
  // folders down (dist/<folder>/x.js); the bundle sits two folders down as well.
  define: { "import.meta.url": "__infraModuleUrl" },
  banner: { js: 'var __infraModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
