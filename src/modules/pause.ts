/**
 * ansible.builtin.pause for a fixed time (`seconds` or `minutes`). Prompts are not supported: a run is never
 * interactive, so waiting for a key press would hang it.
 */
import { ModuleArgsError } from "./args.js";
import type { Module } from "./types.js";
import { pyNow } from "./util/command-run.js";
import { ModuleFailure } from "./util/failure.js";

interface PauseArgs {
  seconds?: unknown;
  minutes?: unknown;
  echo: boolean;
}

/** Python's int() on a value: floats truncate, strings must hold an integer. */
function pyInt(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) return Number(v);
  throw new ModuleArgsError(
    `argument '${name}' is of type ${typeof v === "string" ? "<class 'str'>" : "<class 'bool'>"} and we were unable to convert to int: invalid literal for int() with base 10: '${String(v)}'`,
  );
}

/** Python's str(round(x, 2)). */
function pyRound2(x: number): string {
  const n = Math.round(x * 100) / 100;
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

const stamp = (d = new Date()) => pyNow(d, d.getMilliseconds() * 1000);

export const pause: Module<PauseArgs> = {
  name: "pause",
  aliases: ["ansible.builtin.pause", "ansible.legacy.pause"],
  args: {
    seconds: { type: "raw" },
    minutes: { type: "raw" },
    prompt: { type: "str" },
    echo: { type: "bool", default: true },
  },
  rules: { mutuallyExclusive: [["minutes", "seconds"]] },
  argCheck: "action",
  checkMode: true,
  controllerOnly: true,
  async run(args) {
    if ((args as { prompt?: string }).prompt !== undefined)
      throw new ModuleFailure(
        "pause: prompts are not supported (runs are never interactive); give seconds or minutes",
      );
    const minutes = pyInt(args.minutes, "minutes");
    const seconds = pyInt(args.seconds, "seconds");
    if (minutes === undefined && seconds === undefined)
      throw new ModuleFailure("pause: waiting for a key press is not supported; give seconds or minutes");
    const unit = minutes !== undefined ? "minutes" : "seconds";
    const wait = (minutes !== undefined ? minutes * 60 : seconds!) * 1000;
    const start = Date.now();
    const startText = stamp();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const duration = (Date.now() - start) / 1000;
    return {
      changed: false,
      rc: 0,
      stderr: "",
      stdout: `Paused for ${pyRound2(unit === "minutes" ? duration / 60 : duration)} ${unit}`,
      start: startText,
      stop: stamp(),
      delta: Math.trunc(duration),
      echo: args.echo,
      user_input: "",
    };
  },
};
