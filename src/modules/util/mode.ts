/**
 * File modes as Ansible's set_mode_if_different reads them: an int is taken as is (YAML `0755` is already 493, and
 * an unquoted `644` is decimal 644, Ansible's famous gotcha), a string is octal ("0644", "644") or symbolic
 * ("u=rw,g=r,o=", "a+X"), and a symbolic mode is resolved against the file's current mode, whether it is a
 * directory and the umask, exactly as basic.py's _symbolic_mode_to_octal does.
 */

export class ModeError extends Error {
  constructor(
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}

const PERM_BITS = 0o7777;
const S_IRWXU = 0o700;
const S_IRWXG = 0o070;
const S_IRWXO = 0o007;

/** Ansible's `'0%03o' % mode`. */
export function formatMode(mode: number): string {
  return "0" + mode.toString(8).padStart(3, "0");
}

/** Python's int(s, 8): optional sign, optional 0o prefix, underscores between digits, surrounding whitespace. */
function pyOctal(s: string): number | undefined {
  const m = /^\s*([+-]?)(?:0[oO]_?)?([0-7](?:_?[0-7])*)\s*$/.exec(s);
  if (!m) return undefined;
  const n = parseInt(m[2]!.replace(/_/g, ""), 8);
  return m[1] === "-" ? -n : n;
}

/** True when `mode` is a number or an octal string: its value does not depend on the file. */
export function isAbsoluteMode(mode: unknown): boolean {
  return typeof mode === "number" || (typeof mode === "string" && pyOctal(mode) !== undefined);
}

export interface ModeTarget {
  /** Current permission bits (S_IMODE). */
  mode: number;
  isDir: boolean;
  /** The umask of the process applying the mode (the remote shell's). */
  umask: number;
}

/** The permission bits `mode` asks for, given the file it applies to. Throws ModeError with Ansible's message. */
export function resolveMode(mode: unknown, target: ModeTarget): number {
  if (typeof mode === "number") return mode;
  const text = String(mode);
  const octal = pyOctal(text);
  if (octal !== undefined) return octal;
  let result: number;
  try {
    result = symbolicToOctal(text, target);
  } catch (e) {
    throw new ModeError("mode must be in octal or symbolic form", (e as Error).message);
  }
  if (result !== (result & PERM_BITS))
    throw new ModeError("Invalid mode supplied, only permission info is allowed", String(result));
  return result;
}

function symbolicToOctal(symbolic: string, target: ModeTarget): number {
  let newMode = target.mode & PERM_BITS;
  for (const clause of symbolic.split(",")) {
    const permlist = clause.split(/[+=-]/);
    const opers = clause.match(/[+=-]/g) ?? [];
    let users = permlist.shift() ?? "";
    const useUmask = users === "";
    if (users === "a" || users === "") users = "ugo";
    if (/[^ugo]/.test(users)) throw new Error(`bad symbolic permission for mode: ${clause}`);
    permlist.forEach((perms, idx) => {
      if (/[^rwxXstugo]/.test(perms)) throw new Error(`bad symbolic permission for mode: ${clause}`);
      for (const user of users) {
        const apply = permsToBits(user as "u" | "g" | "o", perms, useUmask, newMode, target);
        newMode = applyOperation(user as "u" | "g" | "o", opers[idx]!, apply, newMode);
      }
    });
  }
  return newMode;
}

function applyOperation(user: "u" | "g" | "o", op: string, bits: number, current: number): number {
  if (op === "=") {
    const mask = user === "u" ? S_IRWXU | 0o4000 : user === "g" ? S_IRWXG | 0o2000 : S_IRWXO | 0o1000;
    return (current & (mask ^ PERM_BITS)) | bits;
  }
  if (op === "+") return current | bits;
  return current - (current & bits);
}

function permsToBits(
  user: "u" | "g" | "o",
  perms: string,
  useUmask: boolean,
  prev: number,
  t: ModeTarget,
): number {
  const applyX = t.isDir || (prev & 0o111) > 0;
  const rev = t.umask ^ PERM_BITS;
  const masked = (bit: number) => (useUmask ? rev & bit : bit);
  const shift = { u: 6, g: 3, o: 0 }[user];
  const table: Record<string, number> = {
    r: masked(0o4 << shift),
    w: masked(0o2 << shift),
    x: masked(0o1 << shift),
    X: applyX ? 0o1 << shift : 0,
    s: user === "u" ? 0o4000 : user === "g" ? 0o2000 : 0,
    t: user === "o" ? 0o1000 : 0,
    u: (((prev & S_IRWXU) >> 6) << shift) & (0o7 << shift),
    g: (((prev & S_IRWXG) >> 3) << shift) & (0o7 << shift),
    o: ((prev & S_IRWXO) << shift) & (0o7 << shift),
  };
  let bits = 0;
  for (const p of perms) bits |= table[p]!;
  return bits;
}
