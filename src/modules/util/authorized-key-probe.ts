/**
 * What authorized_key reads before it decides, as four lines: the user's passwd entry, the key file's path (the
 * `path` argument, or ~/.ssh/authorized_keys of that user), the path with every symlink resolved (realpath -m),
 * (with realpath's newline) and the file's content, each in base64. The shell script is the reference; the Python twin prints the same
 * lines inside the host's operation helper, without the dozen programs (getent, cut, realpath, cat, base64…).
 */
import { b64 } from "./accounts.js";
import { PY_COMMON, sharedProgram } from "./py-common.js";
import { pathWord, quote } from "./shell.js";

export interface AuthorizedKeyQuery {
  user: string;
  /** The `path` argument; undefined for the user's ~/.ssh/authorized_keys. */
  path?: string;
}

export function authorizedKeyScript(q: AuthorizedKeyQuery): string {
  const file = q.path !== undefined ? pathWord(q.path) : `"$_home/.ssh/authorized_keys"`;
  return [
    `_pw=$(getent passwd -- ${quote(q.user)}); printf '%s' "$_pw" | base64 -w0; echo`,
    `_home=$(printf '%s' "$_pw" | cut -d: -f6)`,
    `_k=${file}; printf '%s' "$_k" | base64 -w0; echo`,
    `realpath -m -- "$_k" | base64 -w0; echo`,
    b64(`if [ -f "$_k" ]; then cat -- "$_k"; fi`),
  ].join("\n");
}

const PROGRAM = `${PY_COMMON}
import base64
def realpath_m(p):
    # GNU realpath -m: symlinks resolved as far as the path exists (a loop is left as it is); nothing for ""
    if not p:
        return b""
    return os.path.realpath(p) + b"\\n"
def content(p):
    if not os.path.isfile(p):
        return b""
    try:
        with open(p, "rb") as f:
            return f.read()
    except OSError:
        return b""
def run(user, path):
    pw = getent_passwd(user)
    k = P(path) if path is not None else (pw.split(b":")[5] if pw.count(b":") >= 5 else b"") + b"/.ssh/authorized_keys"
    w(b"\\n".join(base64.b64encode(x) for x in [pw, k, realpath_m(k), content(k)]) + b"\\n")
`;

export function authorizedKeyProgram(q: AuthorizedKeyQuery): string {
  const path = q.path === undefined ? "None" : JSON.stringify(q.path);
  return sharedProgram(PROGRAM, `run(${JSON.stringify(q.user)}, ${path})\n`);
}
