/** The built-in lookup plugins, registered on import. */
import "./files.js";
import "./process.js";
import "./vars.js";

export { getLookup, registerLookup, type LookupEnv, type LookupPlugin } from "./registry.js";
