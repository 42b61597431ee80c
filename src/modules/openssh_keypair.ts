/**
 * community.crypto.openssh_keypair with the OpenSSH binary: generates a key pair with ssh-keygen when none exists
 * or it does not match type/size (regenerate rules), restores a missing or different public key and comment, and
 * applies owner/group/mode to both files. A passphrase reaches ssh-keygen through an askpass helper reading a
 * private temp file, never the command line. One probe reads both files; a change is one script.
 */
import { ModuleArgsError } from "./args.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { b64, captured, fromB64, readCaptured, type Captured } from "./util/accounts.js";
import {
  applyScript,
  askIds,
  FILE_COMMON_ARGS,
  planAttributes,
  resolveIds,
  stepFailure,
  type AttrArgs,
  type Step,
} from "./util/attributes.js";
import { dictDiff } from "./util/diff-text.js";
import { ModuleFailure } from "./util/failure.js";
import { Probe, ProbeAnswers, PROBE_FUNCTIONS, type FsProbe } from "./util/probe.js";
import { pathWord, quote } from "./util/shell.js";
import {
  ASKPASS_ENV,
  ASKPASS_SETUP,
  parseFingerprintLine,
  parsePublicKeyFile,
  parsePublicKeyString,
  sameKey,
  type KeyFingerprint,
  type PublicKeyLine,
} from "./util/ssh-keygen.js";

interface KeypairArgs extends AttrArgs {
  path: string;
  state: "present" | "absent";
  size?: number | null;
  type: "rsa" | "dsa" | "rsa1" | "ecdsa" | "ed25519";
  force: boolean;
  comment?: string | null;
  regenerate: "never" | "fail" | "partial_idempotence" | "full_idempotence" | "always";
  passphrase?: string | null;
  private_key_format: string;
  backend: string;
}

/** _get_size: the size the key must have, or Ansible's message when the asked size cannot be. */
export function keySize(type: string, size: number | null | undefined): number {
  if (type === "rsa" || type === "rsa1") {
    const s = size ?? 4096;
    if (s < 1024)
      throw new ModuleFailure(
        "For RSA keys, the minimum size is 1024 bits and the default is 4096 bits. Attempting to use bit lengths under 1024 will cause the module to fail.",
      );
    return s;
  }
  if (type === "dsa") {
    if ((size ?? 1024) !== 1024)
      throw new ModuleArgsError("DSA keys must be exactly 1024 bits as specified by FIPS 186-2.");
    return 1024;
  }
  if (type === "ecdsa") {
    const s = size ?? 256;
    if (![256, 384, 521].includes(s))
      throw new ModuleArgsError(
        "For ECDSA keys, size determines the key length by selecting from one of three elliptic curve sizes: 256, 384 or 521 bits. Attempting to use bit lengths other than these three values for ECDSA keys will cause this module to fail.",
      );
    return s;
  }
  return 256;
}

interface KeyState {
  baseDirOk: boolean;
  isDir: boolean;
  privExists: boolean;
  pubExists: boolean;
  priv?: KeyFingerprint;
  pub?: PublicKeyLine;
  /** ssh-keygen -y: the public key the private key gives (decrypted with the passphrase when one is given). */
  derived: Captured;
  /** Whether the key opens without a passphrase (a passphrase given for a plain key is a mismatch). */
  plainOpens: boolean;
  stats: [FsProbe, FsProbe];
}

/** The probe lines that read the key pair; they print 11 lines, then two stat lines follow from the Probe. */
function stateScript(path: string, pass: boolean): string {
  const p = pathWord(path);
  return [
    `_p=${p}`,
    `if [ -d "$(dirname -- "$_p")" ]; then echo 1; else echo 0; fi`,
    `if [ -d "$_p" ]; then echo 1; else echo 0; fi`,
    `if [ -e "$_p" ]; then echo 1; else echo 0; fi`,
    `if [ -e "$_p.pub" ]; then echo 1; else echo 0; fi`,
    b64(`if [ -f "$_p.pub" ]; then cat -- "$_p.pub"; fi`),
    b64(`[ -e "$_p" ] && ssh-keygen -l -f "$_p"`),
    captured(pass ? `${ASKPASS_ENV} ssh-keygen -y -f "$_p" </dev/null` : `ssh-keygen -P '' -y -f "$_p"`),
    `if ssh-keygen -P '' -y -f "$_p" >/dev/null 2>&1; then echo 1; else echo 0; fi`,
  ].join("\n");
}
const STATE_LINES = 10;
/** Ends the apply steps in a change script; the state lines follow it. */
const MARK = "__infra_keypair_state__";

function parseState(lines: string[], at: number, stats: [FsProbe, FsProbe]): KeyState {
  const l = (i: number) => lines[at + i] ?? "";
  const fp = parseFingerprintLine(fromB64(l(5)));
  const pub = l(3) === "1" ? parsePublicKeyFile(fromB64(l(4))) : undefined;
  return {
    baseDirOk: l(0) === "1",
    isDir: l(1) === "1",
    privExists: l(2) === "1",
    pubExists: l(3) === "1",
    ...(fp && l(2) === "1" ? { priv: fp } : {}),
    ...(pub ? { pub } : {}),
    derived: readCaptured(lines, at + 6),
    plainOpens: l(9) === "1",
    stats,
  };
}

/** Reads the key pair; with `steps`, applies them first (a failing step stops the script with its message). */
async function readState(
  a: KeypairArgs,
  ctx: ModuleContext,
  steps: Step[] = [],
): Promise<{ st: KeyState; ids: ReturnType<typeof resolveIds>; umask: number }> {
  const extra = steps.length ? `${applyScript(steps)}\necho ${MARK}` : "";
  const probe = new Probe();
  const q = askIds(probe, a);
  const um = probe.umask();
  const s1 = probe.stat(a.path);
  const s2 = probe.stat(`${a.path}.pub`);
  const pass = a.passphrase != null && a.passphrase !== "";
  const script = [
    PROBE_FUNCTIONS,
    ...(pass ? [ASKPASS_SETUP] : []),
    extra,
    stateScript(a.path, pass),
    probe.script().replace(PROBE_FUNCTIONS, ""),
  ].join("\n");
  const r = await ctx.conn.exec(script, { become: ctx.become, ...(pass ? { stdin: a.passphrase! } : {}) });
  const lines = r.stdout.split("\n");
  const failure = steps.length ? stepFailure(steps, r.rc, r.stdout, r.stderr) : undefined;
  if (failure !== undefined) throw new ModuleFailure(failure.msg);
  const extraLines = extra ? lines.findIndex((x) => x === MARK) + 1 : 0;
  if (r.rc !== 0 || lines.length < extraLines + STATE_LINES)
    throw new ModuleFailure(`could not read ${a.path}: ${r.stderr.trim() || `rc ${r.rc}`}`);
  const base = extraLines + STATE_LINES;
  const ans = new ProbeAnswers(lines.slice(base));
  const st = parseState(lines, extraLines, [ans.stat(s1), ans.stat(s2)]);
  return { st, ids: resolveIds(ans, q), umask: ans.umask(um) };
}

/** The private key is readable (Ansible's _private_key_readable for the backend the arguments select). */
function readable(st: KeyState, pass: boolean): boolean {
  const d = st.derived;
  if (d.rc === 255 || /is not a public key file|incorrect passphrase|load failed/.test(d.stderr))
    return false;
  return pass ? !st.plainOpens : true;
}

const toDict = (st: KeyState) => ({
  ...(st.priv
    ? { size: st.priv.size, type: st.priv.type, fingerprint: st.priv.fingerprint, format: "" }
    : {}),
  ...(st.pub ? { comment: st.pub.comment, public_key: st.pub.data } : {}),
});

export const opensshKeypair: Module<KeypairArgs> = {
  name: "openssh_keypair",
  aliases: ["community.crypto.openssh_keypair"],
  args: {
    state: { type: "str", default: "present", choices: ["present", "absent"] },
    size: { type: "int" },
    type: { type: "str", default: "rsa", choices: ["rsa", "dsa", "rsa1", "ecdsa", "ed25519"] },
    force: { type: "bool", default: false },
    path: { type: "path", required: true },
    comment: { type: "str" },
    regenerate: {
      type: "str",
      default: "partial_idempotence",
      choices: ["never", "fail", "partial_idempotence", "full_idempotence", "always"],
    },
    passphrase: { type: "str", noLog: true },
    private_key_format: { type: "str", default: "auto", choices: ["auto", "pkcs1", "pkcs8", "ssh"] },
    backend: { type: "str", default: "auto", choices: ["auto", "cryptography", "opensshbin"] },
    ...FILE_COMMON_ARGS,
  },
  checkMode: true,
  async run(a, ctx): Promise<ModuleResult> {
    const pass = a.passphrase != null && a.passphrase !== "";
    if (a.private_key_format !== "auto" && !(pass || a.backend === "cryptography"))
      throw new ModuleFailure(
        "'auto' is the only valid option for 'private_key_format' when 'backend' is not 'cryptography'",
      );
    const regenerate = a.force ? "always" : a.regenerate;
    const size = keySize(a.type, a.size);
    const { st, ids, umask } = await readState(a, ctx);
    const dir = a.path.replace(/\/[^/]*$/, "") || ".";
    if (!st.baseDirOk)
      throw new ModuleFailure(`The directory ${dir} does not exist or the file is not a directory`, {
        name: dir,
      });
    if (st.isDir) throw new ModuleFailure(`${a.path} is a directory. Please specify a path to a file.`);

    const P = pathWord(a.path);
    const Pub = pathWord(`${a.path}.pub`);
    const env = pass ? `${ASKPASS_ENV} ` : "";
    const steps: Step[] = [];
    let changed = false;
    if (a.state === "absent") {
      if (st.privExists || st.pubExists) {
        changed = true;
        steps.push({ cmd: `rm -f -- ${P} ${Pub}`, fail: "" });
      }
    } else {
      const orig = st.priv;
      if (
        st.privExists &&
        ["never", "fail", "partial_idempotence"].includes(regenerate) &&
        (!orig || !readable(st, pass))
      )
        throw new ModuleFailure(
          "Unable to read the key. The key is protected with a passphrase or broken. Will not proceed. To force regeneration, call the module with `generate` set to `full_idempotence` or `always`, or with `force=true`.",
        );
      const valid = !!orig && orig.size === size && orig.type === a.type;
      let generate: boolean;
      if (!orig) generate = true;
      else if (regenerate === "never") generate = false;
      else if (regenerate === "fail") {
        if (!valid)
          throw new ModuleFailure(
            "Key has wrong type and/or size. Will not proceed. To force regeneration, call the module with `generate` set to `partial_idempotence`, `full_idempotence` or `always`, or with `force=true`.",
          );
        generate = false;
      } else if (regenerate === "always") generate = true;
      else generate = !valid;

      if (generate) {
        changed = true;
        const gen = `${env}ssh-keygen -q ${pass ? "" : "-N '' "}-b ${size} -t ${quote(a.type)} -f "$_g/k" -C ${quote(a.comment ?? "")} </dev/null`;
        const move = (src: string, dest: string) =>
          `{ if [ -e ${dest} ]; then chmod --reference=${dest} -- ${src} && chown --reference=${dest} -- ${src}; fi; mv -f -- ${src} ${dest}; }`;
        steps.push({
          cmd: `_g=$(mktemp -d -- "$(dirname -- ${P})/.infra-keygen-XXXXXXXX") && { ${gen} && ${move(`"$_g/k"`, P)} && ${move(`"$_g/k.pub"`, Pub)}; _r=$?; rm -rf -- "$_g"; [ $_r = 0 ]; }`,
          fail: "",
        });
      } else {
        const derived = parsePublicKeyString(st.derived.stdout);
        const wanted = derived ? { ...derived, comment: a.comment ?? null } : undefined;
        if (!st.pub || !wanted || !sameKey(st.pub, wanted)) {
          changed = true;
          if (!derived)
            throw new ModuleFailure(
              "The public key is missing or does not match the private key. Unable to regenerate the public key.",
            );
          const mode = st.stats[1].exists ? "" : ' && chmod 0644 -- "$_t"';
          steps.push({
            cmd: `_t=$(mktemp -- ${P}.pub.XXXXXXXX) && printf '%s\\n' ${quote(`${derived.typeString} ${derived.data}`)} >"$_t"${mode} && { [ ! -e ${Pub} ] || { chmod --reference=${Pub} -- "$_t" && chown --reference=${Pub} -- "$_t"; }; } && mv -f -- "$_t" ${Pub}`,
            fail: "The public key is missing or does not match the private key. Unable to regenerate the public key: ",
          });
          if (a.comment)
            steps.push({
              cmd: `${env}ssh-keygen -q -o -c -C ${quote(a.comment)} -f ${P} </dev/null`,
              fail: "",
            });
        }
      }
      // Owner, group and mode for both files, compared with what they are (or will be, when generated now).
      for (const [i, path] of [a.path, `${a.path}.pub`].entries()) {
        const cur = st.stats[i]!;
        const fresh: FsProbe = {
          exists: true,
          kind: "file",
          mode: i === 0 ? 0o600 : 0o644,
          uid: -1,
          gid: -1,
          owner: "",
          group: "",
          size: 0,
          nlink: 1,
          ino: 0,
          dev: 0,
          mtime: 0,
          atime: 0,
          ctime: 0,
        };
        const plan = planAttributes(path, cur.exists ? cur : fresh, a, ids, umask, undefined, ctx.check);
        if (plan.changed) changed = true;
        steps.push(...plan.steps);
      }
    }

    let now = st;
    if (steps.length && !ctx.check) {
      const out = await readState(a, ctx, steps);
      now = out.st;
    }
    const priv = now.priv ?? st.priv;
    const pub = now.pub ?? st.pub;
    const result: ModuleResult = {
      changed,
      size,
      type: a.type,
      filename: a.path,
      fingerprint: priv?.fingerprint ?? "",
      public_key: pub ? `${pub.typeString} ${pub.data}` : "",
      comment: pub?.comment ?? "",
    };
    if (ctx.diff)
      result.diff = dictDiff({
        before: toDict(st),
        after: a.state === "absent" && !ctx.check ? {} : toDict(now),
      });
    return result;
  },
};
