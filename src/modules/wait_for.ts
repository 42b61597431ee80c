/**
 * ansible.builtin.wait_for: waits on the target host for a TCP port to open (or close), a file to appear (or go),
 * or a regex to show up in a file or in what a port sends. The loop is Ansible's, run by the host's python3 so the
 * socket starts where Ansible's does; the result carries `elapsed` and the regex's groups.
 */
import type { Module, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { runHostPython } from "./util/host-python.js";

export interface WaitForArgs {
  host: string;
  timeout: number;
  connect_timeout: number;
  delay: number;
  port?: number | null;
  active_connection_states: string[];
  path?: string | null;
  search_regex?: string | null;
  state: "absent" | "drained" | "present" | "started" | "stopped";
  exclude_hosts?: string[] | null;
  sleep: number;
  msg?: string | null;
}

const PROGRAM = String.raw`
import datetime, json, math, os, re, select, socket, sys, time
p = json.load(sys.stdin)
def done(**kw):
    print(json.dumps(kw)); sys.exit(0)
now = datetime.datetime.utcnow
host, port, path, state, msg = p['host'], p['port'], p['path'], p['state'], p['msg']
if path: path = os.path.expanduser(path)
rx = None
if p['search_regex'] is not None:
    try: rx = re.compile(p['search_regex'].encode(), re.MULTILINE)
    except re.error as e: done(failed=True, msg="Invalid regular expression: %s" % e)
groups, groupdict = (), {}
start = now()
if p['delay']: time.sleep(p['delay'])
end = start + datetime.timedelta(seconds=p['timeout'])
def fail(text): done(failed=True, msg=msg or text, elapsed=(now() - start).seconds)
if not port and not path:
    time.sleep(p['timeout'])
elif state in ('absent', 'stopped'):
    while now() < end:
        if path:
            if not os.access(path, os.F_OK): break
        else:
            try:
                s = socket.create_connection((host, port), p['connect_timeout']); s.shutdown(socket.SHUT_RDWR); s.close()
            except Exception: break
        time.sleep(p['sleep'])
    else:
        fail("Timeout when waiting for %s:%s to stop." % (host, port) if port else "Timeout when waiting for %s to be absent." % path)
else:
    while now() < end:
        if path:
            try: os.stat(path)
            except OSError as e:
                if e.errno != 2: fail("Failed to stat %s, %s" % (path, e.strerror))
            else:
                if not rx: break
                try:
                    with open(path, 'rb') as f: m = rx.search(f.read())
                    if m:
                        groupdict = {k: (v.decode() if v is not None else None) for k, v in m.groupdict().items()}
                        groups = [g.decode() if g is not None else None for g in m.groups()]
                        break
                except IOError: pass
        else:
            left = math.ceil((end - now()).total_seconds())
            try: s = socket.create_connection((host, port), min(p['connect_timeout'], left))
            except Exception: pass
            else:
                if rx:
                    data, matched = b'', False
                    while now() < end:
                        if not select.select([s], [], [], math.ceil((end - now()).total_seconds()))[0]: continue
                        r = s.recv(1024)
                        if not r: break
                        data += r
                        if rx.search(data): matched = True; break
                    try: s.shutdown(socket.SHUT_RDWR)
                    except OSError: pass
                    s.close()
                    if matched: break
                else:
                    try: s.shutdown(socket.SHUT_RDWR)
                    except OSError: pass
                    s.close()
                    break
        time.sleep(p['sleep'])
    else:
        if port:
            fail("Timeout when waiting for search string %s in %s:%s" % (p['search_regex'], host, port) if rx else "Timeout when waiting for %s:%s" % (host, port))
        else:
            fail("Timeout when waiting for search string %s in %s" % (p['search_regex'], path) if rx else "Timeout when waiting for file %s" % path)
out = dict(state=state, port=port, search_regex=p['search_regex'], match_groups=groups, match_groupdict=groupdict, path=p['path'], elapsed=(now() - start).seconds)
if p['path'] is not None:
    # AnsibleModule.exit_json adds add_path_info to any result that names a path.
    import grp, pwd, stat
    if os.path.exists(path):
        st = os.lstat(path)
        try: owner = pwd.getpwuid(st.st_uid).pw_name
        except KeyError: owner = str(st.st_uid)
        try: group = grp.getgrgid(st.st_gid).gr_name
        except KeyError: group = str(st.st_gid)
        kind = 'link' if os.path.islink(path) else 'directory' if os.path.isdir(path) else 'hard' if st.st_nlink > 1 else 'file'
        out.update(uid=st.st_uid, gid=st.st_gid, owner=owner, group=group, mode='0%03o' % stat.S_IMODE(st.st_mode), state=kind, size=st.st_size)
    else:
        out['state'] = 'absent'
done(**out)
`;

const CONNECTION_STATES = ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"];

export const waitFor: Module<WaitForArgs> = {
  name: "wait_for",
  aliases: ["ansible.builtin.wait_for", "ansible.legacy.wait_for"],
  args: {
    host: { type: "str", default: "127.0.0.1" },
    timeout: { type: "int", default: 300 },
    connect_timeout: { type: "int", default: 5 },
    delay: { type: "int", default: 0 },
    port: { type: "int" },
    active_connection_states: {
      type: "list",
      elements: "str",
      default: ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"],
    },
    path: { type: "path" },
    search_regex: { type: "str" },
    state: {
      type: "str",
      default: "started",
      choices: ["absent", "drained", "present", "started", "stopped"],
    },
    exclude_hosts: { type: "list", elements: "str" },
    sleep: { type: "int", default: 1 },
    msg: { type: "str" },
  },
  // Ansible's wait_for does not declare check mode support: the engine skips it in check mode.
  checkMode: false,
  async run(a, ctx): Promise<ModuleResult> {
    if (a.port && a.path)
      throw new ModuleFailure("port and path parameter can not both be passed to wait_for", { elapsed: 0 });
    if (a.path && a.state === "stopped")
      throw new ModuleFailure(
        "state=stopped should only be used for checking a port in the wait_for module",
        { elapsed: 0 },
      );
    if (a.path && a.state === "drained")
      throw new ModuleFailure(
        "state=drained should only be used for checking a port in the wait_for module",
        { elapsed: 0 },
      );
    if (a.exclude_hosts != null && a.state !== "drained")
      throw new ModuleFailure("exclude_hosts should only be with state=drained", { elapsed: 0 });
    for (const s of a.active_connection_states) {
      if (!CONNECTION_STATES.includes(s))
        throw new ModuleFailure(`unknown active_connection_state (${s}) defined`, { elapsed: 0 });
    }
    if (a.state === "drained")
      throw new ModuleFailure(
        "infra's wait_for does not support state=drained (it reads /proc/net/tcp in Ansible)",
      );
    const r = await runHostPython(ctx, PROGRAM, {
      host: a.host,
      port: a.port ?? null,
      path: a.path ?? null,
      state: a.state,
      msg: a.msg ?? null,
      search_regex: a.search_regex ?? null,
      delay: a.delay,
      timeout: a.timeout,
      connect_timeout: a.connect_timeout,
      sleep: a.sleep,
    });
    if (r.failed)
      throw new ModuleFailure(String(r.msg), r.elapsed !== undefined ? { elapsed: r.elapsed } : {});
    return { changed: false, ...r };
  },
};
