/**
 * ansible.builtin.set_fact: every argument becomes a host fact (returned as `ansible_facts`; the engine merges
 * them). As Ansible with jinja2_native off, the strings "true/false/yes/no" become booleans. `cacheable` is passed
 * on as `_ansible_facts_cacheable`.
 */
import { ModuleArgsError } from "./args.js";
import type { Module } from "./types.js";
import { ModuleFailure } from "./util/failure.js";

const PY_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/** Ansible's utils.vars.isidentifier: an ASCII Python identifier that is no keyword. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PY_KEYWORDS.has(name);
}

const BOOL_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false };
const TRUE_WORDS = new Set(["y", "yes", "on", "1", "true", "t", "1.0"]);

export const setFact: Module<Record<string, unknown>> = {
  name: "set_fact",
  aliases: ["ansible.builtin.set_fact", "ansible.legacy.set_fact"],
  args: {},
  argCheck: "any",
  checkMode: true,
  controllerOnly: true,
  async run(args, ctx) {
    const { cacheable: rawCacheable, ...rest } = args;
    const cacheable =
      typeof rawCacheable === "boolean"
        ? rawCacheable
        : TRUE_WORDS.has(String(rawCacheable ?? "").toLowerCase());
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      const name = String(ctx.templar.template(k, { asText: true }));
      if (!isIdentifier(name))
        throw new ModuleFailure(
          `The variable name '${name}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
        );
      facts[name] = typeof v === "string" && v.toLowerCase() in BOOL_WORDS ? BOOL_WORDS[v.toLowerCase()] : v;
    }
    if (!Object.keys(facts).length)
      throw new ModuleArgsError(
        "No key/value pairs provided, at least one is required for this action to succeed",
      );
    return { changed: false, ansible_facts: facts, _ansible_facts_cacheable: cacheable };
  },
};
