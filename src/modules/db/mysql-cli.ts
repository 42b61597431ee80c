/**
 * mysql_db's dump and import run the host's own `mysqldump` / `mysql`, as Ansible does, with the same options in
 * the same order. One difference on purpose: a login password never goes on the command line (Ansible puts it
 * there, visible in `ps`). It travels on stdin into a mode-0600 temporary option file that includes the user's
 * option file and is removed when the command ends.
 */
import { quote } from "../util/shell.js";

export interface CliLogin {
  host: string;
  port: number;
  user?: string | null;
  password?: string | null;
  socket?: string | null;
  /** The option file, when it exists on the host (Ansible drops it otherwise). */
  configFile?: string | null;
  restrictConfigFile: boolean;
  implicitAdmin: boolean;
}

/** A value in a MySQL option file: double-quoted, with the escapes my_default.c understands. */
export function optionFileValue(v: string): string {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

/** What goes into the temporary option file (stdin of the command), or undefined when no secret is needed. */
export function secretOptionFile(login: CliLogin, passwordWhen: "notNull" | "truthy"): string | undefined {
  if (login.implicitAdmin) return undefined;
  const p = login.password;
  const needed = passwordWhen === "notNull" ? p !== null && p !== undefined && p !== "" : !!p;
  if (!needed) return undefined;
  const include = login.configFile ? `!include ${login.configFile}\n` : "";
  return `${include}[client]\npassword=${optionFileValue(p!)}\n`;
}

/**
 * The leading options: the option file (or the temporary one, which includes it), then user and password as
 * Ansible orders them. `$t` is the temporary file's name in the surrounding script.
 */
export function loginOptions(
  login: CliLogin,
  secret: string | undefined,
  passwordWhen: "notNull" | "truthy",
): string[] {
  const out: string[] = [];
  const flag = login.restrictConfigFile ? "--defaults-file" : "--defaults-extra-file";
  if (secret !== undefined) out.push(`${flag}="$t"`);
  else if (login.configFile) out.push(`${flag}=${quote(login.configFile)}`);
  if (login.implicitAdmin) out.push("--user=root", "--password=''");
  else {
    if (passwordWhen === "notNull" ? login.user !== null && login.user !== undefined : login.user)
      out.push(`--user=${quote(login.user!)}`);
    // An empty password is no secret: Ansible's `--password=''` stays on the line.
    if (passwordWhen === "notNull" && login.password === "") out.push("--password=''");
  }
  return out;
}

/** The connection target options (socket, or host and port). */
export function targetOptions(login: CliLogin, portFlag: boolean): string[] {
  if (login.socket !== null && login.socket !== undefined) return [`--socket=${quote(login.socket)}`];
  return [`--host=${quote(login.host)}`, ...(portFlag ? [`--port=${login.port}`] : [])];
}

/** gzip, bzip2 or xz for a target's extension, as db_dump/db_import choose. */
export function compressorFor(target: string): string | undefined {
  const ext = /(\.[^./]*)$/.exec(target.slice(target.lastIndexOf("/") + 1).replace(/^\.+/, ""))?.[1];
  return ext === ".gz" ? "gzip" : ext === ".bz2" ? "bzip2" : ext === ".xz" ? "xz" : undefined;
}

/**
 * Wraps a command line: find the programs (Ansible's get_bin_path failure), make the temporary option file from
 * stdin when there is a secret, change directory when asked.
 */
export function wrapScript(
  command: string,
  programs: string[],
  secret: boolean,
  chdir?: string | null,
): string {
  const lines = ["set -e"];
  for (const p of programs)
    lines.push(
      `command -v ${p} >/dev/null 2>&1 || { echo "Failed to find required executable \\"${p}\\" in paths: $PATH" >&2; exit 127; }`,
    );
  if (chdir) lines.push(`cd ${quote(chdir)} 2>/dev/null || { echo "__infra_chdir" >&2; exit 1; }`);
  if (secret) lines.push(`umask 077`, `t=$(mktemp)`, `trap 'rm -f "$t"' EXIT`, `cat > "$t"`);
  lines.push("set +e", command);
  return lines.join("\n");
}
