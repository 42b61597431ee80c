/**
 * The probe's questions answered by Python inside the host's operation helper instead of by a shell script: the
 * same lines, byte for byte, as the shell functions in probe.ts print (so one parser reads both), without starting
 * a process: a `file` task's probe drops from ~8 ms of host time to well under one. Paths travel as JSON strings
 * and are used as bytes, so any name survives, as with the shell's `_enc`.
 *
 * Each question is one expression that yields the bytes of its line(s), without the final newline.
 */
import { PY_COMMON, sharedProgram } from "./py-common.js";

/** Functions the expressions call; they mirror `_s`, `_f`, `_sf`, `_r`, `_h`, `_uid`, `_gid` of probe.ts. */
export const PYTHON_PRELUDE = `${PY_COMMON}
import re, hashlib, base64, stat as S
PLAIN = re.compile(rb"[A-Za-z0-9/._+@:,=-]+\\Z")
def enc(b):
    return b"=" + b if PLAIN.match(b) else b.hex().encode()
def ts(ns):
    s, f = divmod(abs(ns), 10 ** 9)
    return b"%s%d.%09d" % (b"-" if ns < 0 else b"", s, f)
def nm(lookup, i):
    try:
        return os.fsencode(lookup(i)[0])
    except KeyError:
        return b"UNKNOWN"
def fmt(st):
    return b"%x %d %d %d %d %d %d %s %s %s %s %s" % (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_nlink,
        st.st_ino, st.st_dev, ts(st.st_mtime_ns), ts(st.st_atime_ns), ts(st.st_ctime_ns),
        nm(pwd.getpwuid, st.st_uid), nm(grp.getgrgid, st.st_gid))
def real(p):
    # readlink -f: every component but the last must exist (the last may be missing), else it prints nothing
    if not p:
        return b""
    r = os.path.realpath(p)
    try:
        os.lstat(r)
    except FileNotFoundError:
        return enc(r) if os.path.isdir(os.path.dirname(r)) else b""
    except OSError:
        return b""
    return enc(r)
def q_s(p):
    try:
        st = os.lstat(p)
    except OSError:
        return b"A"
    return b"E " + fmt(st) + (b" " + enc(os.readlink(p)) if S.S_ISLNK(st.st_mode) else b"")
def q_f(p):
    try:
        st = os.stat(p)
    except OSError:
        return b"A"
    return b"E " + fmt(st) + b" " + real(p)
def q_sf(p):
    try:
        st = os.lstat(p)
    except OSError:
        return b"A\\nA"
    if S.S_ISLNK(st.st_mode):
        return q_s(p) + b"\\n" + q_f(p)
    e = b"E " + fmt(st)
    return e + b"\\n" + e + b" " + real(p)
def q_h(p):
    try:
        if not S.S_ISREG(os.stat(p).st_mode):
            return b""
        d = hashlib.sha1()
        with open(p, "rb") as f:
            for c in iter(lambda: f.read(1 << 20), b""):
                d.update(c)
        return d.hexdigest().encode()
    except OSError:
        return b""
def q_id(lookup, name, field):
    if name.isdigit() and name.isascii():
        return B(name)
    try:
        return b"%d" % getattr(lookup(name), field)
    except KeyError:
        return b""
def q_umask():
    m = os.umask(0)
    os.umask(m)
    return b"%04o" % m
def q_me():
    return id_line()
def q_entries(p):
    if os.path.isdir(p):
        try:
            with os.scandir(p) as it:
                return b"1" if any(True for _ in it) else b"0"
        except OSError:
            return b"0"
    return b"1" if os.path.lexists(p) else b"0"
def q_isdir(p):
    return b"1" if os.path.isdir(p) else b"0"
def q_b64(p):
    if not os.path.isfile(p):
        return b""
    with open(p, "rb") as f:
        return base64.b64encode(f.read())
def q_sh(script):
    rc, out, err = sh(script, b"")
    if rc != 0:
        raise OSError("rc %d: %s" % (rc, err.decode("utf-8", "replace").strip()))
    return out.split(b"\\n")
`;

/** A path argument as Python bytes: `~` and `~/…` start at $HOME, as with pathWord in the shell. */
export function pyPath(path: string): string {
  return `P(${JSON.stringify(path)})`;
}

/**
 * The whole program: the prelude, the questions no Python function answers run as one shell script (`R`, a line
 * each: a failing script fails the probe, as its exit status does the shell probe), then each question's line.
 */
export function pythonProgram(questions: string[], shellScript?: string): string {
  const raw = shellScript === undefined ? "R = []" : `R = q_sh(${JSON.stringify(shellScript)})`;
  const lines = questions.map((q) => `  ${q},`).join("\n");
  return sharedProgram(PYTHON_PRELUDE, `${raw}\nw(b"\\n".join([\n${lines}\n]) + b"\\n")\n`);
}
