/**
 * Ansible's terminal colours (`ansible/utils/color.py` and the COLOR_* defaults of its config): the same SGR codes,
 * the same rule for when colour is on, and `stringc`'s habit of colouring each line on its own so that a multi-line
 * message stays coloured when a pager or `less -R` starts mid-way.
 */

/** Ansible's colour names → SGR parameters (constants.COLOR_CODES). */
const COLOR_CODES = {
  black: "0;30",
  "bright gray": "0;37",
  blue: "0;34",
  white: "1;37",
  green: "0;32",
  "bright blue": "1;34",
  cyan: "0;36",
  "bright green": "1;32",
  red: "0;31",
  "bright cyan": "1;36",
  purple: "0;35",
  "bright red": "1;31",
  yellow: "0;33",
  "bright purple": "1;35",
  "dark gray": "1;30",
  "bright yellow": "1;33",
  magenta: "0;35",
  "bright magenta": "1;35",
  normal: "0",
} as const;

export type ColorName = keyof typeof COLOR_CODES;

/** The defaults of Ansible's COLOR_* settings. */
export const COLOR = {
  changed: "yellow",
  debug: "dark gray",
  deprecate: "purple",
  diffAdd: "green",
  diffLines: "cyan",
  diffRemove: "red",
  error: "red",
  highlight: "white",
  ok: "green",
  skip: "cyan",
  unreachable: "bright red",
  verbose: "blue",
  warn: "bright purple",
} as const satisfies Record<string, ColorName>;

/**
 * Whether output is coloured, as Ansible decides: ANSIBLE_NOCOLOR (or the informal NO_COLOR) turns it off, a
 * stream that is not a terminal turns it off, ANSIBLE_FORCE_COLOR turns it back on whatever else says.
 */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (isTruthy(env.ANSIBLE_FORCE_COLOR)) return true;
  if (isTruthy(env.ANSIBLE_NOCOLOR) || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return false;
  return isTTY && env.TERM !== "dumb";
}

/** Ansible's boolean settings accept yes/on/1/true in any case. */
function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ["1", "yes", "on", "true", "y", "t"].includes(value.trim().toLowerCase());
}

/** Colours every line of `text` separately, as `stringc` does; no-op when colour is off. */
export function stringc(text: string, color: ColorName, enabled: boolean): string {
  if (!enabled) return text;
  const code = COLOR_CODES[color];
  return text
    .split("\n")
    .map((line) => `\x1b[${code}m${line}\x1b[0m`)
    .join("\n");
}
