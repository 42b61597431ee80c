/**
 * Lookups that read the controller's process state: `env` (environment variables, '' or the default when unset),
 * `pipe` (a shell command's stdout, right-stripped; a non-zero exit fails like Ansible's).
 */
import { execSync } from "node:child_process";
import { pyStr, TemplateRuntimeError } from "../values.js";
import { registerLookup } from "./registry.js";

registerLookup("env", (terms, kwargs) =>
  terms.map((t) => process.env[pyStr(t)] ?? (kwargs.default === undefined ? "" : kwargs.default)),
);

registerLookup("pipe", (terms, _kwargs, env) =>
  terms.map((t) => {
    const cmd = pyStr(t);
    try {
      return execSync(cmd, {
        cwd: env.searchPaths[0],
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }).replace(/\s+$/u, "");
    } catch (e) {
      const status = (e as { status?: number }).status ?? 1;
      throw new TemplateRuntimeError(`lookup_plugin.pipe(${cmd}) returned ${status}`, "lookup");
    }
  }),
);
