/**
 * What known_hosts reads before it decides, as ten lines: the path, whether it and its directory exist, the umask,
 * the file's mode and content, the sanity check (`ssh-keygen -F` of the key alone in a file) and the search
 * (`ssh-keygen -F host -f path`: rc, stdout, stderr). The shell script is the reference. The Python twin prints the
 * same lines inside the host's operation helper, reading known_hosts as OpenSSH's hostkeys_foreach does in find
 * mode (markers, `*`/`?`/`!` patterns, |1| hashed names, the key type check), without ssh-keygen, mktemp, stat…
 * Where its reading could differ it prints `fallback` alone and the shell script runs: a file that is not a
 * readable regular file, holds a NUL or lacks its last newline, or a matching line whose key type is not one
 * every OpenSSH build knows (ssh-dss, certificates, security keys and short names are left to ssh-keygen).
 */
import { b64, captured } from "./accounts.js";
import { PY_COMMON, sharedProgram } from "./py-common.js";
import { pathWord, quote } from "./shell.js";

export interface KnownHostsQuery {
  path: string;
  /** The host name as ssh-keygen -F gets it. */
  host: string;
  /** The key line (hashed when asked, ending in a newline), or null for state=absent without a key. */
  key: string | null;
}

export function knownHostsScript(q: KnownHostsQuery): string {
  const h = quote(q.host);
  return [
    `_p=${pathWord(q.path)}; printf '%s' "$_p" | base64 -w0; echo`,
    `if [ -e "$_p" ]; then echo 1; else echo 0; fi`,
    `if [ -d "$(dirname -- "$_p")" ]; then echo 1; else echo 0; fi`,
    `umask`,
    `if [ -e "$_p" ]; then stat -L -c %a -- "$_p"; else echo; fi`,
    b64(`if [ -f "$_p" ]; then cat -- "$_p"; fi`),
    // sanity_check: the key, alone in a file, must answer to the host name.
    q.key
      ? b64(
          `_t=$(mktemp) && printf '%s' ${quote(q.key)} >"$_t" && ssh-keygen -F ${h} -f "$_t"; rm -f -- "$_t"`,
        )
      : `echo`,
    `if [ -e "$_p" ]; then`,
    captured(`ssh-keygen -F ${h} -f "$_p"`),
    `else printf 'x\\n\\n\\n'; fi`,
  ].join("\n");
}

const PROGRAM = `${PY_COMMON}
import base64, hashlib, hmac, re, shutil
KNOWN_TYPES = {b"ssh-ed25519", b"ssh-rsa", b"ecdsa-sha2-nistp256", b"ecdsa-sha2-nistp384", b"ecdsa-sha2-nistp521"}
class Fallback(Exception):
    pass
def match_pattern(s, pat):
    # match.c's match_pattern: * and ? only, every other byte literal
    rx = b"".join(b".*" if c == 42 else b"." if c == 63 else re.escape(bytes([c])) for c in pat)
    return re.fullmatch(rx, s, re.S) is not None
def match_hostname(host, pattern):
    # match_pattern_list(lowercased host, pattern, dolower): 1, 0, or -1 for a negated match
    host, i, n, positive = host.lower(), 0, len(pattern), 0
    while i < n:
        negated = pattern[i:i + 1] == b"!"
        if negated:
            i += 1
        j = pattern.find(b",", i)
        j = n if j < 0 else j
        sub = pattern[i:j].lower()
        if len(sub) >= 1023:
            return 0
        i = j + 1 if j < n else j
        if match_pattern(host, sub):
            if negated:
                return -1
            positive = 1
    return positive
def match_maybe_hashed(host, names):
    if names[:1] != b"|":
        return match_hostname(host, names) == 1
    if not names.startswith(b"|1|") or names.find(b"|", 3) < 0:
        return False
    salt64 = names[3:names.find(b"|", 3)]
    if not 0 < len(salt64) <= 1024:
        return False
    try:
        salt = base64.b64decode(salt64, validate=True)
    except ValueError:
        return False
    if len(salt) != 20:
        return False
    mac = hmac.new(salt, host, hashlib.sha1).digest()
    return names == b"|1|" + base64.b64encode(salt) + b"|" + base64.b64encode(mac)
def marker(cp):
    # check_markers: (marker, rest) or None for a bad one
    found = b""
    while cp[:1] == b"@":
        if found:
            return None
        sp = cp.find(b" ")
        sp = cp.find(b"\\t") if sp < 0 else sp
        if sp < 0 or sp <= 1 or sp >= 32 or cp[:sp] not in (b"@cert-authority", b"@revoked"):
            return None
        found, cp = cp[:sp], cp[sp:].lstrip(b" \\t")
    return found, cp
def find(host, data):
    # ssh-keygen -F host -f FILE: (rc, stdout)
    if b"\\0" in data or (data and not data.endswith(b"\\n")):
        raise Fallback()
    out = []
    for num, line in enumerate(data.split(b"\\n")[:-1], 1):
        cp = line.lstrip(b" \\t")
        if not cp or cp[:1] == b"#":
            continue
        m = marker(cp)
        if m is None:
            continue
        mark, cp = m
        end = min([x for x in (cp.find(b" "), cp.find(b"\\t")) if x >= 0] or [len(cp)])
        if not match_maybe_hashed(host, cp[:end]):
            continue
        raw = cp[end + 1:].lstrip(b" \\t") if end < len(cp) else b""
        if not raw or raw[:1] == b"#":
            continue
        l = min([x for x in (raw.find(b" "), raw.find(b"\\t")) if x >= 0] or [len(raw)])
        if l <= 1 or l >= 128 or l == len(raw):
            continue
        ktype = raw[:l]
        if ktype not in KNOWN_TYPES:
            if l < 8 and ktype.isdigit():
                continue
            raise Fallback()
        after = raw[l:].lstrip(b" \\t")
        if not after or after[:1] == b"#":
            continue
        label = b"CA" if mark == b"@cert-authority" else b"REVOKED" if mark else b""
        out.append(b"# Host %s found: line %d %s\\n%s\\n" % (host, num, label, line))
    return (0 if out else 1), b"".join(out)
def dirname(p):
    # GNU dirname
    s = p.rstrip(b"/")
    if not s:
        return b"/" if p else b"."
    i = s.rfind(b"/")
    return b"." if i < 0 else (s[:i].rstrip(b"/") or b"/")
def read_regular(p):
    try:
        with open(p, "rb") as f:
            return f.read()
    except OSError:
        return None
def enc(x):
    return base64.b64encode(x)
def run(path, host, key):
    if shutil.which("ssh-keygen") is None:
        raise Fallback()
    p, host = P(path), B(host)
    mask = os.umask(0)
    os.umask(mask)
    exists = os.path.exists(p)
    content = (read_regular(p) or b"") if os.path.isfile(p) else b""
    lines = [enc(p), b"1" if exists else b"0", b"1" if os.path.isdir(dirname(p)) else b"0", b"%04o" % mask,
        b"%o" % (os.stat(p).st_mode & 0o7777) if exists else b"",
        enc(content), enc(find(host, B(key))[1]) if key is not None else b""]
    if exists:
        data = read_regular(p) if os.path.isfile(p) else None
        if data is None:
            raise Fallback()
        rc, out = find(host, data)
        lines += [b"%d" % rc, enc(out), b""]
    else:
        lines += [b"x", b"", b""]
    w(b"\\n".join(lines) + b"\\n")
def main(path, host, key):
    try:
        run(path, host, key)
    except Fallback:
        w(b"fallback\\n")
`;

export function knownHostsProgram(q: KnownHostsQuery): string {
  const key = q.key === null ? "None" : JSON.stringify(q.key);
  return sharedProgram(PROGRAM, `main(${JSON.stringify(q.path)}, ${JSON.stringify(q.host)}, ${key})\n`);
}
