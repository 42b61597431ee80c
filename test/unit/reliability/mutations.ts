/** fast-check arbitraries that damage valid text the way people and broken transfers do. */
import fc from "fast-check";

// Characters with meaning somewhere in YAML, INI, Jinja2 or vault text, plus control and non-ASCII ones.
const SPECIAL = [..."{}[]()%:-#&*!|>'\"\\\t\n =,.;@$`?~^"].concat([
  "{{",
  "}}",
  "{%",
  "%}",
  "\u0000",
  "\u00e9",
  "\ud83d\ude00",
  "$ANSIBLE_VAULT;",
  "<<: ",
  "&a ",
  "*a",
  "!vault ",
  "[g:children]",
]);

type Edit = (text: string) => string;

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (text: string, p: number) => Math.floor(p * (text.length + 1));

const edits: fc.Arbitrary<Edit> = fc.oneof(
  // Insert a special character or token.
  fc.tuple(position, fc.constantFrom(...SPECIAL)).map(
    ([p, s]) =>
      (t: string) =>
        t.slice(0, at(t, p)) + s + t.slice(at(t, p)),
  ),
  // Delete a short run.
  fc.tuple(position, fc.integer({ min: 1, max: 8 })).map(
    ([p, n]) =>
      (t: string) =>
        t.slice(0, at(t, p)) + t.slice(at(t, p) + n),
  ),
  // Truncate (a cut-off download or paste).
  position.map((p) => (t: string) => t.slice(0, at(t, p))),
  // Repeat a line or swap two lines (copy-paste mistakes, broken indentation).
  fc.tuple(position, position).map(([p, q]) => (t: string) => {
    const lines = t.split("\n");
    const i = Math.floor(p * lines.length);
    const j = Math.floor(q * lines.length);
    const copy = [...lines];
    [copy[i], copy[j]] = [lines[j]!, lines[i]!];
    return (p < 0.5 ? [...copy.slice(0, i), lines[i]!, ...copy.slice(i)] : copy).join("\n");
  }),
  // Change indentation of one line.
  fc.tuple(position, fc.integer({ min: -4, max: 4 })).map(([p, d]) => (t: string) => {
    const lines = t.split("\n");
    const i = Math.floor(p * lines.length);
    lines[i] = d >= 0 ? " ".repeat(d) + lines[i] : lines[i]!.replace(new RegExp(`^ {0,${-d}}`), "");
    return lines.join("\n");
  }),
  // Random bytes anywhere.
  fc.tuple(position, fc.string({ maxLength: 6, unit: "binary" })).map(
    ([p, s]) =>
      (t: string) =>
        t.slice(0, at(t, p)) + s + t.slice(at(t, p)),
  ),
);

/** A seed text with 1-6 random edits applied. */
export function mutated(seeds: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edits, { minLength: 1, maxLength: 6 }))
    .map(([seed, list]) => list.reduce((t, edit) => edit(t), seed));
}
