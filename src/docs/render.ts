/**
 * The documents are Handlebars templates in docs/ (the main one and a partial per service in docs/partials/),
 * rendered without HTML escaping: the output is Markdown, where `<` and `&` in commands must stay as written.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { InfraError } from "../util/errors.js";
import type { DocModel } from "./model.js";
import type { SecretTracker } from "./repo-vars.js";

export const TEMPLATE_DIR = fileURLToPath(new URL("../../docs/", import.meta.url));

const KIND_WORDS: Record<string, string> = {
  dump: "dump",
  full: "full upload",
  incremental: "incremental upload",
  retention: "retention",
  other: "other",
};

function environment(dir: string): typeof Handlebars {
  const hb = Handlebars.create();
  const partials = `${dir}partials/`;
  for (const f of readdirSync(partials).filter((n) => n.endsWith(".md.hbs")))
    hb.registerPartial(f.slice(0, -".md.hbs".length), readFileSync(partials + f, "utf8"));
  hb.registerHelper("join", (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.join(String(sep)) : "",
  );
  hb.registerHelper("bold", (list: string[]) => list.map((h) => `**${h}**`).join(", "));
  hb.registerHelper("onHosts", (list: string[]) =>
    list.length === 1 ? `On **${list[0]}**` : `On each of ${list.map((h) => `**${h}**`).join(", ")}`,
  );
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  hb.registerHelper("lower", (s: string) => s.charAt(0).toLowerCase() + s.slice(1));
  hb.registerHelper("kindWords", (kind: string) => KIND_WORDS[kind] ?? kind);
  return hb;
}

/** Renders docs/<name>.hbs with the model; refuses output that would print a vault secret. */
export function renderDocument(
  name: string,
  model: DocModel,
  tracker?: SecretTracker,
  dir = TEMPLATE_DIR,
): string {
  const hb = environment(dir);
  let text: string;
  try {
    const template = hb.compile(readFileSync(`${dir}${name}.hbs`, "utf8"), { noEscape: true, strict: true });
    text = template(model);
  } catch (e) {
    throw new InfraError(`could not render ${dir}${name}.hbs: ${(e as Error).message}`, {
      hint: "A template names a value the model does not have, or a service has no partial in docs/partials/.",
    });
  }
  // Conditional lines leave runs of blank lines behind; Markdown needs at most one.
  text = text.replace(/\n{3,}/g, "\n\n").replace(/\s*$/, "\n");
  tracker?.assertAbsent(text, name);
  return text;
}
