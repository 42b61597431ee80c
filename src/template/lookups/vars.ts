/** The `vars` lookup: a variable by (computed) name, templated, with an optional default. */
import { pyStr, TemplateRuntimeError, Undefined } from "../values.js";
import { registerLookup } from "./registry.js";

registerLookup("vars", (terms, kwargs, env) =>
  terms.map((t) => {
    const name = pyStr(t);
    const value = env.variable(name);
    if (!(value instanceof Undefined)) return value;
    if (kwargs.default !== undefined) return kwargs.default;
    throw new TemplateRuntimeError(`No variable found with this name: ${name}`, "undefined");
  }),
);
