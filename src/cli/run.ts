// The executable's entry: bin/infra.js runs its bundle (scripts/bundle.mjs); main.ts stays importable by tests
// without side effects. No top-level await: the bundle is a CommonJS script, so V8 can cache its compiled code.
import { MASTER_ARG } from "../transport/control-path.js";
import { main } from "./main.js";

if (process.argv[2] === MASTER_ARG) {
  // A control master started by a run (transport/control-master.ts): not a command anyone types.
  void import("../transport/control-master.js")
    .then((m) => m.serveControlMaster(process.argv[3]!, Number(process.argv[4])))
    .then(
      () => process.exit(0),
      () => process.exit(70),
    );
} else {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
