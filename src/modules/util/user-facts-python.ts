/**
 * `userFactsScript`'s fourteen lines, printed by Python inside the host's operation helper: the passwd, shadow and
 * group entries as getent prints them (pwd, spwd and grp ask the same NSS), the host name and the home and key
 * tests, with one process (ssh-keygen -l) where the key exists instead of about fifteen. The shell script stays
 * for hosts without a helper and for the report after a change.
 */
import type { UserFactsQuery } from "./user-facts.js";
import { SBIN_PATH } from "./accounts.js";
import { PY_COMMON, sharedProgram } from "./py-common.js";

const PROGRAM = `${PY_COMMON}
import base64
def b64(b):
    return base64.b64encode(b)
def dirname(p):
    # POSIX dirname(1), which Python's os.path.dirname is not for "a/b/" and "x"
    if p.strip(b"/") == b"":
        return b"/" if p else b"."
    p = p.rstrip(b"/")
    i = p.rfind(b"/")
    return (p[:i].rstrip(b"/") or b"/") if i >= 0 else b"."
def num(n):
    return b"" if n == -1 else b"%d" % n
def shadow(name):
    # getent shadow's line (glibc putspent), or nothing (no such user, or not allowed to read it)
    try:
        import spwd
    except ImportError:
        try:
            with open("/etc/shadow", "rb") as f:
                return next((l for l in f if l.split(b":", 1)[0] == B(name)), b"")
        except OSError:
            return b""
    try:
        s = spwd.getspnam(name)
    except (KeyError, OSError):
        return b""
    return b":".join([B(s.sp_namp), B(s.sp_pwdp), num(s.sp_lstchg), num(s.sp_min), num(s.sp_max),
        num(s.sp_warn), num(s.sp_inact), num(s.sp_expire), num(s.sp_flag)]) + b"\\n"
def groups():
    return b"".join(b"%s:%s:%d:%s\\n" % (B(g.gr_name), B(g.gr_passwd or ""), g.gr_gid,
        b",".join(B(m) for m in g.gr_mem)) for g in grp.getgrall())
def quote(b):
    return "'" + b.decode("utf-8", "surrogateescape").replace("'", "'\\\\''") + "'"
def run(name, home, key_file, key_abs):
    pw = getent_passwd(name)
    ph = pw.split(b":")[5] if pw.count(b":") >= 6 else b""
    h = P(home) if home is not None else ph
    k = P(key_file) if key_abs else ph + b"/" + B(key_file)
    pub = b"-"
    if os.access(k + b".pub", os.R_OK):
        try:
            with open(k + b".pub", "rb") as f:
                pub = b64(f.read())
        except OSError:
            pub = b""
    out = [b64(pw), b64(shadow(name)), b64(groups()), B(os.uname().nodename),
        b"1" if h and os.path.exists(h) else b"0",
        (b"1" if os.path.isdir(dirname(P(home))) else b"0") if home is not None else b"1",
        b64(k), b"1" if os.path.isdir(dirname(k)) else b"0",
        b"1" if os.path.exists(k) else b"0", b"1" if os.path.exists(k + b".pub") else b"0", pub]
    if os.path.exists(k):
        rc, o, e = sh(${JSON.stringify(SBIN_PATH)} + "\\nexec ssh-keygen -l -f " + quote(k), b"")
        out += [b"%d" % rc, b64(o), b64(e)]
    else:
        out += [b"x", b"", b""]
    w(b"\\n".join(out) + b"\\n")
`;

const isAbs = (p: string) => p.startsWith("/") || p === "~" || p.startsWith("~/");

export function userFactsProgram(q: UserFactsQuery): string {
  const args = [q.name, q.home ?? null, q.sshFile, isAbs(q.sshFile)].map((v) =>
    v === null ? "None" : typeof v === "boolean" ? (v ? "True" : "False") : JSON.stringify(v),
  );
  return sharedProgram(PROGRAM, `run(${args.join(", ")})\n`);
}
