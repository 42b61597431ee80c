// The executable entry (bin/infra.js imports this); main.ts stays importable by tests without side effects.
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
