/**
 * The apt module's no-change read as Python inside the operation helper: the same `key value` facts that
 * readState's shell script prints (the cache time, whether an update is due, dpkg-query's lines, apt-mark's
 * auto marks), read from /var/lib/dpkg/status and /var/lib/apt/extended_states instead of starting dpkg-query,
 * apt-mark and a dozen sh/stat/base64 processes (~35 ms of host CPU per task).
 *
 * It answers only where its reading is exactly theirs, and otherwise prints `fallback 1` for the shell script to
 * run: every name installed (dpkg-query's rc 0 and the version table not needed), one dpkg instance per name and no
 * foreign architectures, no dpkg journal pending (dpkg-query would apply it first), and no cache update to run.
 */
import { PY_COMMON, sharedProgram } from "./py-common.js";

export interface AptStateQuery {
  names: string[];
  wantUpdate: boolean;
  cacheValidTime: number;
  check: boolean;
}

const PROGRAM = `${PY_COMMON}
import base64, shutil, time
WANT = {b"unknown": b"u", b"install": b"i", b"hold": b"h", b"deinstall": b"r", b"purge": b"p"}
STATE = {b"not-installed": b"n", b"config-files": b"c", b"half-installed": b"H", b"unpacked": b"U",
    b"half-configured": b"F", b"triggers-awaited": b"W", b"triggers-pending": b"t", b"installed": b"i"}
ERR = {b"ok": b" ", b"reinstreq": b"R"}
class Fallback(Exception):
    pass
def fact(k, v):
    w(k + b" " + v + b"\\n")
def capture(k, out):
    fact(k, base64.b64encode(out))
    fact(k + b".rc", b"0")
def mtime(p):
    try:
        return int(os.lstat(p).st_mtime)
    except OSError:
        return None
def read(p):
    try:
        with open(p, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""
def stanzas(text, wanted):
    # the stanzas (field name lowercased -> value) of the wanted packages; dpkg and apt write Package first
    out = {}
    for block in text.split(b"\\n\\n"):
        block = block.strip(b"\\n")
        if not block:
            continue
        if not block.startswith(b"Package: "):
            raise Fallback()
        end = block.find(b"\\n")
        name = block[9:end if end >= 0 else len(block)].strip()
        if name not in wanted:
            continue
        d = {}
        for line in block.split(b"\\n"):
            if line[:1] not in (b" ", b"\\t") and b":" in line:
                k, v = line.split(b":", 1)
                d[k.strip().lower()] = v.strip()
        out.setdefault(name, []).append(d)
    return out
def dpkg_lines(names):
    arch = [l for l in read("/var/lib/dpkg/arch").split(b"\\n") if l.strip()]
    journal = [n for n in os.listdir("/var/lib/dpkg/updates") if n.isdigit()] if os.path.isdir("/var/lib/dpkg/updates") else []
    if len(arch) > 1 or journal:
        raise Fallback()
    found = stanzas(read("/var/lib/dpkg/status"), set(names) | {b"dpkg"})
    lines, archs = [], {}
    for n in sorted(set(names)):
        if len(found.get(n, [])) != 1:
            raise Fallback()
        d = found[n][0]
        s = d.get(b"status", b"").split()
        if len(s) != 3 or s[2] != b"installed" or s[0] not in WANT or s[1] not in ERR:
            raise Fallback()
        lines.append(n + b"\\t" + WANT[s[0]] + STATE[s[2]] + ERR[s[1]] + b"\\t" + d.get(b"version", b"") + b"\\n")
        archs[n] = d.get(b"architecture", b"")
    native = found.get(b"dpkg", [{}])[0].get(b"architecture", b"")
    return b"".join(lines), {n: native if a == b"all" else a for n, a in archs.items()}, native
def auto_marks(archs, native):
    # apt-mark showauto NAMES: the installed ones whose extended_states stanza (for that architecture) says Auto-Installed: 1
    marks = stanzas(read("/var/lib/apt/extended_states"), set(archs))
    auto = [n for n in sorted(archs) if any(d.get(b"auto-installed") == b"1" and d.get(b"architecture", native) == archs[n] for d in marks.get(n, []))]
    return b"".join(n + b"\\n" for n in auto)
def cache_time():
    # stat -c %Y of apt's success stamp, else of the lists directory, else 0
    for p in ("/var/lib/apt/periodic/update-success-stamp", "/var/lib/apt/lists"):
        t = mtime(p)
        if t is not None:
            return t
    return 0
def run(names, want_update, valid, check):
    names = [B(n) for n in names]
    if shutil.which("apt-get") is None:
        return fact(b"noapt", b"1")
    stamp = cache_time()
    due = want_update and stamp + valid < int(time.time())
    try:
        if due and not check:
            raise Fallback()
        dpkg, archs, native = dpkg_lines(names) if names else (b"", {}, b"")
        auto = auto_marks(archs, native) if names else b""
    except Fallback:
        return fact(b"fallback", b"1")
    if shutil.which("aptitude") is not None:
        fact(b"aptitude", b"1")
    fact(b"stamp0", b"%d" % stamp)
    if due:
        fact(b"due", b"1")
    if names:
        capture(b"dpkg", dpkg)
        fact(b"policy.skipped", b"1")
        capture(b"auto", auto)
`;

export function aptStateProgram(q: AptStateQuery): string {
  const args = [
    JSON.stringify(q.names),
    q.wantUpdate ? "True" : "False",
    q.cacheValidTime,
    q.check ? "True" : "False",
  ];
  return sharedProgram(PROGRAM, `run(${args.join(", ")})\n`);
}
