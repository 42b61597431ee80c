/** Building property results: a pass, or a failure whose message says the problem and then the fix. */
import type { PropertyResult } from "../types.js";

export function pass(property: string, expected: string, found: string): PropertyResult {
  return { property, status: "pass", expected, found };
}

/** `problem` says what is wrong; `fix` what to do (a definition's own fix text replaces the default). */
export function fail(
  property: string,
  expected: string,
  found: string,
  problem: string,
  fix: string,
): PropertyResult {
  return { property, status: "fail", expected, found, message: `${problem}: ${fix}` };
}

export function skip(property: string, expected: string, why: string): PropertyResult {
  return { property, status: "skip", expected, found: "-", message: why };
}

/** A definition's `fix:` is one text for every property or a map property → text. */
export function fixFor(fix: unknown, property: string, fallback: string): string {
  if (typeof fix === "string") return fix;
  if (fix && typeof fix === "object" && typeof (fix as Record<string, unknown>)[property] === "string")
    return (fix as Record<string, string>)[property]!;
  return fallback;
}
