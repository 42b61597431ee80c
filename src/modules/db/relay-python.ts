/**
 * The Python of the database relay (see relay.ts), in its two forms. Both first do what PyMySQL does before it
 * speaks the protocol: read the option file's [client] section (`read_default_file`), then connect to the unix
 * socket or host:port; what they found is the header, one JSON object.
 * - EXEC_RELAY is a program of its own, started as the become user on a channel of its own (sudo, python3): it
 *   prints the header line, then pumps the channel's stdin/stdout to the server.
 * - HELPER_RELAY runs inside the host's operation helper, which already runs as the become user: it answers the
 *   header and a unix socket path, and a thread hands the server connection to the first (and only) client of that
 *   socket, which the controller reaches through SSH's streamlocal forwarding. No process is started.
 */
import { sharedProgram } from "../util/py-common.js";

// PyMySQL's optionfile.Parser: RawConfigParser with keys lower-cased and '_' → '-', surrounding quotes removed.
// _socket rather than socket, getuser rather than getpass, configparser only when there is a file: in the helper,
// importing socket.py, getpass and configparser was ~8 ms of the host's CPU on every mysql_* task's path.
const CONNECT = String.raw`
import os, json, _socket
def unq(v):
    if v is not None and len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v
def getuser():
    # getpass.getuser()
    for k in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        v = os.environ.get(k)
        if v:
            return v
    import pwd
    return pwd.getpwuid(os.getuid())[0]
def create_connection(host, port, timeout):
    # socket.create_connection: each address getaddrinfo gives, in turn; the last one's error when none answers
    err = None
    for af, kind, proto, _, sa in _socket.getaddrinfo(host, port, 0, _socket.SOCK_STREAM):
        s = None
        try:
            s = _socket.socket(af, kind, proto)
            s.settimeout(timeout)
            s.connect(sa)
            return s
        except OSError as e:
            err = e
            if s is not None:
                s.close()
    if err is not None:
        raise err
    raise OSError("getaddrinfo returns an empty list")
def relay_connect(a):
    h = {"ok": False, "config": {}, "config_exists": False, "via": "tcp", "host": a.get("host") or "localhost"}
    try:
        h["getuser"] = getuser()
    except Exception:
        h["getuser"] = ""
    cf = os.path.expanduser(a.get("config_file") or "")
    h["config_file"] = cf
    s = None
    try:
        if cf and os.path.exists(cf):
            h["config_exists"] = True
            import configparser
            p = configparser.RawConfigParser(allow_no_value=True)
            p.optionxform = lambda k: k.lower().replace("_", "-")
            p.read(cf)
            if p.has_section("client"):
                h["config"] = {k: unq(v) for k, v in p.items("client")}
        if a.get("overrides"):
            h["host"] = h["config"].get("host") or h["host"]
            a["port"] = h["config"].get("port") or a.get("port")
        sock = a.get("socket") or h["config"].get("socket")
        t = a.get("timeout") or None
        if sock:
            h["via"] = "socket"
            s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            s.settimeout(t)
            s.connect(sock)
        else:
            s = create_connection(h["host"], int(a.get("port") or 3306), t)
        s.settimeout(None)
        h["ok"] = True
    except Exception as e:
        h["error"] = str(e)
        if s is not None:
            s.close()
        s = None
    return h, s
`;

/** argv[1]: the target as JSON. */
export const EXEC_RELAY =
  CONNECT +
  String.raw`
import sys, threading
h, s = relay_connect(json.loads(sys.argv[1]))
out = sys.stdout.buffer
out.write((json.dumps(h) + "\n").encode())
out.flush()
if s is None:
    sys.exit(0)
def up():
    try:
        while True:
            d = os.read(0, 65536)
            if not d:
                break
            s.sendall(d)
    except Exception:
        pass
    try:
        s.shutdown(_socket.SHUT_WR)
    except Exception:
        pass
threading.Thread(target=up, daemon=True).start()
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        out.write(d)
        out.flush()
except Exception:
    pass
`;

/**
 * The socket lives in a fresh 0700 directory owned by the SSH login user, because sshd connects to it as that
 * user; so only where the helper may hand it over: as root under sudo (SUDO_UID names the login user), or as the
 * login user itself (no become). Anywhere else it raises, and the caller takes the exec relay. The listener takes
 * one client and is gone (directory included) once it has, after ACCEPT_S without one, or when the helper exits.
 * Half-closes pass through, so each side sees the other's end as PyMySQL would.
 */
const SERVE = String.raw`
import select, atexit, _thread
ACCEPT_S = 10
def relay_listen(a):
    uid = os.environ.get("SUDO_UID")
    if uid is not None and os.geteuid() != 0:
        raise PermissionError("the helper runs as a sudo user other than root")
    if uid is None and a.get("become"):
        raise PermissionError("the helper was not started by sudo")
    h, s = relay_connect(a)
    if s is None:
        return {"header": h}
    d = "/tmp/infra-relay-" + os.urandom(8).hex()
    path = d + "/s"
    def gone():
        for f in (os.unlink, os.rmdir):
            try:
                f(path if f is os.unlink else d)
            except OSError:
                pass
    try:
        os.mkdir(d, 0o700)
        l = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        l.bind(path)
        l.listen(1)
        if uid is not None:
            for f in (path, d):
                os.chown(f, int(uid), int(os.environ.get("SUDO_GID", "-1")))
    except BaseException:
        gone()
        s.close()
        raise
    atexit.register(gone)
    _thread.start_new_thread(relay_pump, (l, s, gone))
    return {"header": h, "path": path}
def relay_pump(l, s, gone):
    try:
        l.settimeout(ACCEPT_S)
        c = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM, 0, l._accept()[0])
        c.settimeout(None)
    except OSError:
        s.close()
        return
    finally:
        l.close()
        gone()
    peer = {c: s, s: c}
    live = [c, s]
    try:
        while live:
            for r in select.select(live, [], [])[0]:
                d = r.recv(65536)
                if d:
                    peer[r].sendall(d)
                    continue
                live.remove(r)
                try:
                    peer[r].shutdown(_socket.SHUT_WR)
                except OSError:
                    pass
    except OSError:
        pass
    finally:
        c.close()
        s.close()
`;

/** The helper program for one relay: its answer is `{"header": {...}, "path": "..."}` (no path when !header.ok). */
export function helperRelayProgram(target: object, become: boolean): string {
  return sharedProgram(
    CONNECT + SERVE,
    `w(json.dumps(relay_listen(json.loads(${JSON.stringify(JSON.stringify({ ...target, become }))}))).encode())`,
  );
}
