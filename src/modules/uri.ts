/**
 * ansible.builtin.uri: an HTTP(S) request made FROM the target host (as Ansible runs it there), by the host's
 * python3 with urllib like Ansible's fetch_url: method, headers, body (raw, json, form-urlencoded), status_code
 * check, return_content, timeout, redirects (safe/all/none), basic auth, creates/removes. The result has Ansible's
 * shape: status, msg "OK (N bytes)", url, redirected, elapsed, every response header as a lower_case key, `json`
 * for JSON answers, `content` when asked (or on a failed status).
 */
import { pyJsonDumps } from "../template/filters/python-dump.js";
import type { Module, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { runHostPython } from "./util/host-python.js";

export interface UriArgs {
  url: string;
  method: string;
  body?: unknown;
  body_format: string;
  status_code: number[];
  return_content: boolean;
  headers: Record<string, unknown>;
  timeout: number;
  validate_certs: boolean;
  follow_redirects: string;
  url_username?: string | null;
  url_password?: string | null;
  force_basic_auth: boolean;
  creates?: string | null;
  removes?: string | null;
  [other: string]: unknown;
}

const PROGRAM = String.raw`
import base64, datetime, json, os, ssl, sys, urllib.request, urllib.error
p = json.load(sys.stdin)
def done(**kw):
    print(json.dumps(kw)); sys.exit(0)
for key, word, want in (('creates', "exists", True), ('removes', "does not exist", False)):
    f = p[key]
    if f is not None and os.path.exists(os.path.expanduser(f)) == want:
        done(skipped_by=key, stdout="skipped, since '%s' %s" % (f, word))
method = p['method']
follow = p['follow_redirects']
class Redirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, hdrs, newurl):
        if follow in ('no', 'none') or (follow in ('safe', 'urllib2') and req.get_method() not in ('GET', 'HEAD')):
            return None
        if follow in ('all', 'yes'):
            r = urllib.request.Request(newurl, data=req.data if code in (307, 308) else None, headers=req.headers,
                                       method=req.get_method() if code in (307, 308) else ('HEAD' if req.get_method() == 'HEAD' else 'GET'))
            return r
        return urllib.request.HTTPRedirectHandler.redirect_request(self, req, fp, code, msg, hdrs, newurl)
handlers = [Redirect()]
if not p['validate_certs']:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    handlers.append(urllib.request.HTTPSHandler(context=ctx))
opener = urllib.request.build_opener(*handlers)
data = p['body'].encode() if p['body'] is not None else None
headers = dict(p['headers'])
if p['user'] is not None and p['force_basic_auth']:
    headers['Authorization'] = 'Basic ' + base64.b64encode(('%s:%s' % (p['user'], p['password'] or '')).encode()).decode()
elif p['user'] is not None:
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm(); mgr.add_password(None, p['url'], p['user'], p['password'] or '')
    handlers.append(urllib.request.HTTPBasicAuthHandler(mgr)); opener = urllib.request.build_opener(*handlers)
req = urllib.request.Request(p['url'], data=data, headers=headers, method=method)
start = datetime.datetime.utcnow()
info = {'url': p['url']}
body = b''
try:
    r = opener.open(req, timeout=p['timeout'])
    body = r.read()
    info.update((k.lower(), v) for k, v in r.headers.items())
    info.update(msg="OK (%s bytes)" % r.headers.get('Content-Length', 'unknown'), url=r.geturl(), status=r.status)
except urllib.error.HTTPError as e:
    try: body = e.read()
    except Exception: body = b''
    info.update((k.lower(), v) for k, v in e.headers.items())
    info.update(msg="HTTP Error %s: %s" % (e.code, e.reason), status=e.code, url=e.geturl() or p['url'])
except urllib.error.URLError as e:
    info.update(msg="Request failed: %s" % e, status=-1)
except (OSError, ValueError) as e:
    info.update(msg="An unknown error occurred: %s" % e, status=-1)
info['elapsed'] = (datetime.datetime.utcnow() - start).seconds
info['body_b64'] = base64.b64encode(body).decode()
done(**info)
`;

const JSON_CANDIDATES = new Set(["json", "javascript"]);

/** Python's urlencode of a dict or list of pairs, as Ansible's form_urlencoded. */
function formUrlencoded(body: unknown): string {
  const pairs: [string, unknown][] = Array.isArray(body)
    ? (body as [string, unknown][])
    : Object.entries(body as Record<string, unknown>);
  const enc = (s: string) =>
    encodeURIComponent(s)
      .replace(/%20/g, "+")
      .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return pairs
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const]))
    .map(([k, v]) => `${enc(String(k))}=${enc(String(v))}`)
    .join("&");
}

export const uri: Module<UriArgs> = {
  name: "uri",
  aliases: ["ansible.builtin.uri", "ansible.legacy.uri"],
  args: {
    url: { type: "str", required: true },
    force: { type: "bool", default: false, aliases: ["thirsty"] },
    http_agent: { type: "str", default: "ansible-httpget" },
    use_proxy: { type: "bool", default: true },
    validate_certs: { type: "bool", default: true },
    url_username: { type: "str", aliases: ["user"] },
    url_password: { type: "str", aliases: ["password"], noLog: true },
    force_basic_auth: { type: "bool", default: false },
    client_cert: { type: "path" },
    client_key: { type: "path" },
    use_gssapi: { type: "bool", default: false },
    dest: { type: "path" },
    body: { type: "raw" },
    body_format: {
      type: "str",
      default: "raw",
      choices: ["form-urlencoded", "json", "raw", "form-multipart"],
    },
    src: { type: "path" },
    method: { type: "str", default: "GET" },
    return_content: { type: "bool", default: false },
    follow_redirects: {
      type: "str",
      default: "safe",
      choices: ["all", "no", "none", "safe", "urllib2", "yes"],
    },
    creates: { type: "path" },
    removes: { type: "path" },
    status_code: { type: "list", elements: "int", default: [200] },
    timeout: { type: "int", default: 30 },
    headers: { type: "dict", default: {} },
    unix_socket: { type: "path" },
    remote_src: { type: "bool", default: false },
    ca_path: { type: "path" },
    unredirected_headers: { type: "list", elements: "str", default: [] },
    decompress: { type: "bool", default: true },
    ciphers: { type: "list", elements: "str" },
    use_netrc: { type: "bool", default: true },
  },
  rules: { mutuallyExclusive: [["body", "src"]] },
  // Ansible's uri does not declare check mode support: the engine skips it in check mode.
  checkMode: false,
  async run(a, ctx): Promise<ModuleResult> {
    for (const k of ["dest", "src", "unix_socket", "client_cert", "client_key", "ca_path"]) {
      if (a[k] != null)
        throw new ModuleFailure(
          `infra's uri module does not support '${k}' yet; use get_url/copy or curl with command`,
        );
    }
    const method = a.method.toUpperCase();
    if (!/^[A-Z]+$/.test(method))
      throw new ModuleFailure("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
    const headers: Record<string, string> = Object.fromEntries(
      Object.entries(a.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    const hasType = Object.keys(headers).some((h) => h.toLowerCase() === "content-type");
    let body = a.body;
    const format = a.body_format.toLowerCase();
    if (format === "json") {
      if (typeof body !== "string") body = pyJsonDumps(body ?? null);
      if (!hasType) headers["Content-Type"] = "application/json";
    } else if (format === "form-urlencoded") {
      if (typeof body !== "string") body = formUrlencoded(body ?? {});
      if (!hasType) headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (format === "form-multipart")
      throw new ModuleFailure("infra's uri module does not support body_format=form-multipart yet");
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "user-agent"))
      headers["User-Agent"] = String(a.http_agent);
    const info = await runHostPython(ctx, PROGRAM, {
      url: a.url,
      method,
      body: body === undefined || body === null ? null : typeof body === "string" ? body : pyJsonDumps(body),
      headers,
      timeout: a.timeout,
      validate_certs: a.validate_certs,
      follow_redirects: a.follow_redirects,
      user: a.url_username ?? null,
      password: a.url_password ?? null,
      force_basic_auth: a.force_basic_auth,
      creates: a.creates ?? null,
      removes: a.removes ?? null,
    });
    if (info.skipped_by) return { changed: false, stdout: info.stdout };
    const raw = Buffer.from(String(info.body_b64 ?? ""), "base64");
    delete info.body_b64;
    const status = Number(info.status);
    const ctype = String(info["content-type"] ?? "application/octet-stream");
    const [mime = "", ...params] = ctype.split(";").map((s) => s.trim());
    const sub = (mime.split("/")[1] ?? "").toLowerCase();
    const charset = params.find((x) => x.toLowerCase().startsWith("charset="))?.slice(8) ?? "utf-8";
    const maybeJson = sub.includes("+") ? JSON_CANDIDATES.has(sub.split("+")[1]!) : JSON_CANDIDATES.has(sub);
    const wantsContent = maybeJson || a.return_content || !a.status_code.includes(status);
    const out: ModuleResult = { changed: false, redirected: info.url !== a.url };
    for (const [k, v] of Object.entries(info)) out[k.replace(/-/g, "_").toLowerCase()] = v;
    out.status = status;
    out.changed = false;
    let content: string | undefined;
    if (wantsContent) {
      content = new TextDecoder(/^utf-?8$/i.test(charset) ? "utf-8" : charset).decode(raw);
      if (maybeJson) {
        try {
          out.json = JSON.parse(content);
        } catch {
          /* not JSON after all: Ansible leaves `json` out too */
        }
      }
    }
    if (typeof out.location === "string") out.location = new URL(out.location, a.url).toString();
    if (!a.status_code.includes(status)) {
      throw new ModuleFailure(
        `Status code was ${status} and not [${a.status_code.join(", ")}]: ${String(out.msg ?? "")}`,
        {
          ...out,
          ...(a.return_content ? { content } : {}),
        },
      );
    }
    return a.return_content ? { ...out, content } : out;
  },
};
