// The executable's entry: bin/infra.js runs its bundle (scripts/bundle.mjs); main.ts stays importable by tests
// without side effects. No top-level await: the bundle is a CommonJS script, so V8 can cache its compiled code.
import { main } from "./main.js";

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
