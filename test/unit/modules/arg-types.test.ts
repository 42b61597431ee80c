/**
 * The argument type/choices check gives exactly the findings ajv gave for the JSON schema it replaced, in the same
 * order, for random specs and values (including the corners: NaN, Infinity, 1.5 for int, null, nested objects).
 */
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ArgSpec, ArgType } from "../../../src/modules/args.js";
import { validateArgs } from "../../../src/modules/args.js";
import { argTypeErrors } from "../../../src/modules/util/arg-types.js";

const TYPES: ArgType[] = ["str", "bool", "int", "float", "list", "dict", "path", "raw"];
const JSON_TYPE: Record<ArgType, string[] | undefined> = {
  str: ["string"],
  path: ["string"],
  bool: ["boolean"],
  int: ["integer"],
  float: ["number"],
  list: ["array"],
  dict: ["object"],
  raw: undefined,
};

const ajv = new Ajv({ allErrors: true, strict: false });

/** The schema args.ts compiled with ajv before, and ajv's findings as {keyword, name}. */
function ajvFindings(spec: ArgSpec, args: Record<string, unknown>) {
  const properties: Record<string, object> = {};
  for (const [name, opt] of Object.entries(spec)) {
    const t = JSON_TYPE[opt.type ?? "str"];
    properties[name] = {
      ...(t ? { type: [...t, "null"] } : {}),
      ...(opt.choices ? { enum: [...opt.choices, null] } : {}),
    };
  }
  const validate = ajv.compile({
    type: "object",
    properties,
    additionalProperties: false,
  });
  validate(args);
  return (validate.errors ?? []).map((e) => ({ keyword: e.keyword, name: e.instancePath.slice(1) }));
}

const value = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.constantFrom("present", "absent", "1", ""),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(1.5, -0, NaN, Infinity, -Infinity, 2 ** 53),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.string({ maxLength: 2 })), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 2 }), { maxKeys: 2 }),
);
const choice = fc.oneof(
  fc.constantFrom("present", "absent", "1", ""),
  fc.integer({ min: -1, max: 3 }),
  fc.boolean(),
  fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
);
const option = fc.record(
  {
    type: fc.constantFrom(...TYPES),
    choices: fc.uniqueArray(choice, { minLength: 1, maxLength: 3, selector: (c) => JSON.stringify(c) }),
  },
  { requiredKeys: [] },
);
const specAndArgs = fc
  .dictionary(fc.constantFrom("name", "state", "mode", "force", "items"), option, { minKeys: 1 })
  .chain((spec) =>
    fc.record({
      spec: fc.constant(spec as ArgSpec),
      args: fc.record(Object.fromEntries(Object.keys(spec).map((k) => [k, value]))),
    }),
  );

describe("argTypeErrors", () => {
  it("finds what ajv found for the equivalent JSON schema, in the same order", () => {
    fc.assert(
      fc.property(specAndArgs, ({ spec, args }) => {
        expect(argTypeErrors(spec, args)).toEqual(ajvFindings(spec, args));
      }),
      { numRuns: 400 },
    );
  });

  it("validateArgs reports a wrong choice before a wrong type, in Ansible's words", () => {
    const spec: ArgSpec = { size: { type: "int" }, state: { choices: ["present", "absent"] } };
    expect(() => validateArgs("demo", spec, { size: [1], state: "gone" })).toThrow(
      "value of state must be one of: present, absent, got: gone",
    );
    expect(() => validateArgs("demo", spec, { size: [1] })).toThrow(
      "argument 'size' is of type <class 'list'> and we were unable to convert to int",
    );
  });
});
