/**
 * Python that every program run inside the operation helper starts with (the probes, the user and authorized_key
 * modules' facts, fact gathering): text to bytes, path arguments as pathWord writes them, and the passwd and `id`
 * lines as getent and id print them.
 */
export const PY_COMMON = `
import os, pwd, grp
def B(t):
    return t.encode("utf-8", "surrogateescape")
def P(t):
    # a path argument: a leading ~ or ~/ is $HOME, as pathWord writes it for the shell
    if t == "~" or t.startswith("~/"):
        t = os.environ.get("HOME", "") + t[1:]
    return B(t)
def passwd_line(e):
    return b":".join([B(e.pw_name), B(e.pw_passwd), b"%d" % e.pw_uid, b"%d" % e.pw_gid, B(e.pw_gecos),
        B(e.pw_dir), B(e.pw_shell)])
def getent_passwd(name):
    # getent passwd NAME's line without its newline, or b"": a key of digits only is a uid
    try:
        e = pwd.getpwuid(int(name)) if name.isdigit() and name.isascii() else pwd.getpwnam(name)
    except (KeyError, ValueError, OverflowError):
        return b""
    return passwd_line(e)
def id_line():
    # id's line: a name in parentheses where the id has one, the primary group first among the groups
    def named(i, lookup):
        try:
            return b"%d(%s)" % (i, B(lookup(i)[0]))
        except KeyError:
            return b"%d" % i
    u, g = os.getuid(), os.getgid()
    gs = [g] + [x for x in os.getgroups() if x != g]
    return b"uid=%s gid=%s groups=%s" % (named(u, pwd.getpwuid), named(g, grp.getgrgid),
        b",".join(named(x, grp.getgrgid) for x in gs))
`;

/**
 * A program for the operation helper in two parts: `shared`, the same text on every call (the functions), which the
 * helper compiles once and keeps, and `call`, what this call asks (see op-shell.ts). Both run in a fresh namespace.
 */
export function sharedProgram(shared: string, call: string): string {
  return `${shared}\0${call}`;
}
