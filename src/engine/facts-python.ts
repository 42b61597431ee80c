/**
 * The fact script's `key=value` lines, printed by Python inside the host's operation helper: /proc, /sys and
 * /etc read directly, the user looked up through pwd and the IPv4 addresses dumped over rtnetlink, so no program
 * starts (the shell script starts about ten; `ip -4 -o addr show` remains the fallback where netlink is refused).
 * parseFacts reads both. The default route comes from /proc/net/route, written the way
 * parseFacts reads `ip route`'s line ("default via <gateway> dev <device>").
 */
import { PY_COMMON } from "../modules/util/py-common.js";

const PROGRAM = String.raw`
# _socket, not socket: socket.py's import (selectors, collections.abc, ...) was ~5 ms of each host's CPU.
import time, struct, _socket
def first(path):
    try:
        with open(path, "rb") as f:
            return f.readline().rstrip(b"\n")
    except OSError:
        return None
def onpath(name):
    for d in os.environ.get("PATH", "").split(":"):
        p = os.path.join(d or ".", name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return B(p)
    return None
out = []
def put(k, v):
    out.append(B(k) + b"=" + v)
u = os.uname()
node = first("/proc/sys/kernel/hostname") or B(u.nodename)
put("nodename", node)
put("system", first("/proc/sys/kernel/ostype") or B(u.sysname))
put("kernel", first("/proc/sys/kernel/osrelease") or B(u.release))
put("kernel_version", first("/proc/sys/kernel/version") or B(u.version))
put("machine", B(u.machine))
try:
    fqdn = B(_socket.getaddrinfo(node.decode("utf-8", "surrogateescape"), None, 0, 0, 0, _socket.AI_CANONNAME)[0][3])
except Exception:
    fqdn = b""
put("fqdn", fqdn or node)
put("id", id_line())
try:
    put("passwd", passwd_line(pwd.getpwuid(os.getuid())))
except KeyError:
    put("passwd", b"")
put("user_dir", B(os.environ.get("HOME", "")))
try:
    with open("/proc/meminfo", "rb") as f:
        for l in f:
            k, _, rest = l.partition(b":")
            name = {b"MemTotal": "memtotal_kb", b"MemFree": "memfree_kb", b"SwapTotal": "swaptotal_kb"}.get(k)
            if name and rest.split():
                put(name, rest.split()[0])
    with open("/proc/cpuinfo", "rb") as f:
        put("vcpus", b"%d" % sum(1 for l in f if l.split(b":")[0].rstrip(b" \t") == b"processor" and b":" in l))
except OSError:
    put("vcpus", b"0")
pid1 = first("/proc/1/comm") or b""
put("pid1", pid1)
if pid1 in (b"init", b"") or pid1.endswith(b"sh"):
    if os.path.isdir("/run/systemd/system"):
        put("systemd", b"1")
    if onpath("initctl") and os.path.isdir("/etc/init"):
        put("upstart", b"1")
    if os.path.exists("/sbin/openrc"):
        put("openrc", b"1")
    if os.path.realpath("/sbin/init").endswith("/systemd"):
        put("systemd_offline", b"1")
    if os.path.isdir("/etc/init.d"):
        put("sysvinit", b"1")
for m in ("apt-get", "dnf", "yum", "apk", "zypper", "pacman"):
    if onpath(m):
        put("pkg_mgr", B(m))
        break
put("python", onpath("python3") or b"")
try:
    with open("/etc/os-release", "rb") as f:
        for l in f.read().split(b"\n"):
            k = l.split(b"=", 1)[0]
            if k and b"=" in l and all(c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789" for c in k):
                out.append(b"osr_" + l)
except OSError:
    pass
mid = first("/etc/machine-id")
if mid is not None:
    put("machine_id", mid)
route = b""
try:
    with open("/proc/net/route", "rb") as f:
        for l in f.readlines()[1:]:
            c = l.split()
            if len(c) > 7 and c[1] == b"00000000" and c[7] == b"00000000":
                gw = struct.pack("<I", int(c[2], 16))
                via = b"via %d.%d.%d.%d " % tuple(gw) if any(gw) else b""
                route = b"default %sdev %s" % (via, c[0])
                break
except OSError:
    pass
put("route", route)
if b" dev " in route:
    dev = route.split(b" dev ")[1].split(b" ")[0]
    put("defdev", dev)
    for k, f in (("defmac", b"address"), ("defmtu", b"mtu")):
        v = first(b"/sys/class/net/" + dev + b"/" + f)
        if v is not None:
            put(k, v)
def ipv4_lines():
    # ip -4 -o addr show's lines, as far as parseFacts reads them, from one RTM_GETADDR dump: "IDX: NAME    inet
    # LOCAL/PLEN brd BRD" (or "inet LOCAL peer ADDRESS/PLEN" on a point-to-point link), grouped by interface index
    # as ip prints them (links in index order, each link's addresses in the kernel's order)
    s = _socket.socket(_socket.AF_NETLINK, _socket.SOCK_RAW, 0)
    try:
        s.bind((0, 0))
        s.send(struct.pack("=IHHIIBBBBI", 24, 22, 0x301, 1, 0, _socket.AF_INET, 0, 0, 0, 0))
        found = []
        while True:
            data, off = s.recv(1 << 16), 0
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from("=IH", data, off)
                if typ == 3:
                    found.sort(key=lambda x: x[0])
                    return [l for _, l in found]
                if typ == 2 or ln < 16:
                    raise OSError("netlink refused the address dump")
                if typ == 20 and ln >= 24:
                    plen, idx = data[off + 17], struct.unpack_from("=I", data, off + 20)[0]
                    a, p = {}, off + 24
                    while p + 4 <= off + ln:
                        alen, atyp = struct.unpack_from("=HH", data, p)
                        if alen < 4:
                            break
                        a[atyp] = _socket.inet_ntoa(data[p + 4:p + 8]).encode() if alen == 8 else None
                        p += (alen + 3) & ~3
                    local, addr = a.get(2) or a.get(1), a.get(1) or a.get(2)
                    if local:
                        peer = b" peer " + addr if addr != local else b""
                        brd = b" brd " + a[4] if a.get(4) else b""
                        name = B(_socket.if_indextoname(idx))
                        found.append((idx, b"%d: %s    inet %s%s/%d%s" % (idx, name, local, peer, plen, brd)))
                off += (ln + 3) & ~3
    finally:
        s.close()
try:
    addrs = b"\n".join(ipv4_lines())
except OSError:
    rc, addrs, _ = sh("ip -4 -o addr show 2>/dev/null", b"")
for l in addrs.split(b"\n"):
    if l:
        put("addr", l)
try:
    for i in sorted(os.listdir(b"/sys/class/net")):
        if os.path.exists(b"/sys/class/net/" + i):
            put("iface", i)
except OSError:
    pass
put("date", b"%d %s" % (int(time.time()), B(time.strftime("%Z"))))
out.append(b"env_begin")
env = dict(os.environ)
env["LC_ALL"] = "C"  # the shell script sets it before it runs env
out += [B(k) + b"=" + B(v) for k, v in env.items()]
w(b"\n".join(out) + b"\n")
`;

export function factsProgram(): string {
  return PY_COMMON + PROGRAM;
}
