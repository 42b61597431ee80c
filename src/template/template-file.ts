/**
 * Ansible's template module, controller side: renders a template file to the exact bytes Ansible would write.
 * Adds the variables Ansible's template action adds (ansible_managed, template_host, template_path,
 * template_fullpath, template_destpath, template_uid, template_mtime, template_run_date) and honours a
 * `#jinja2:trim_blocks: False, lstrip_blocks: True` first line.
 */
import { readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { ExitCode, InfraError } from "../util/errors.js";
import type { VaultString } from "../vault/vault-string.js";
import { literalEval } from "./py-literal.js";
import { Templar, type FileSyntax, type TemplateLoader } from "./templar.js";

export interface TemplateFileOptions {
  decryptVault: (v: VaultString) => string;
  lookupVar?: (name: string) => unknown;
  loader?: TemplateLoader;
  /** The `dest` argument (template_destpath). */
  dest?: string;
  /** ansible.cfg's ansible_managed (default "Ansible managed"); {host}, {uid}, {file} and strftime codes expand. */
  managedString?: string;
  /** The module's trim_blocks / lstrip_blocks options. */
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}

const HEADER = "#jinja2:";

/** The owner's name of a file, as pwd.getpwuid gives it (the number when /etc/passwd doesn't know it). */
function ownerName(uid: number): string {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const f = line.split(":");
      if (f[2] === String(uid)) return f[0] as string;
    }
  } catch {
    // no passwd file: fall through to the number
  }
  return String(uid);
}

/** str(datetime): "2024-05-01 12:30:00.123456", without the fraction when it is zero. */
function pyDatetime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return d.getMilliseconds() ? `${base}.${p(d.getMilliseconds() * 1000, 6)}` : base;
}

function strftime(format: string, d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  const codes: Record<string, string> = {
    Y: String(d.getFullYear()),
    m: p(d.getMonth() + 1),
    d: p(d.getDate()),
    H: p(d.getHours()),
    M: p(d.getMinutes()),
    S: p(d.getSeconds()),
    y: p(d.getFullYear() % 100),
    "%": "%",
  };
  return format.replace(/%([YmdHMSy%])/g, (m, c: string) => codes[c] ?? m);
}

export function templateVars(
  src: string,
  dest: string | undefined,
  managed: string,
): Record<string, unknown> {
  const full = resolve(src);
  const st = statSync(full);
  const uid = ownerName(st.uid);
  const host = hostname();
  const managedStr = managed.replace(/\{(host|uid|file)\}/g, (_m, k: string) =>
    k === "host" ? host : k === "uid" ? uid : src,
  );
  return {
    template_host: host,
    template_path: src,
    template_fullpath: full,
    template_destpath: dest ?? null,
    template_uid: uid,
    template_mtime: pyDatetime(st.mtime),
    template_run_date: pyDatetime(new Date()),
    ansible_managed: strftime(managedStr, st.mtime),
  };
}

/** Splits off a `#jinja2:key: value, ...` first line into Jinja2 settings, as Ansible's do_template does. */
export function parseHeader(source: string, file: string): { body: string; syntax: FileSyntax } {
  if (!source.startsWith(HEADER)) return { body: source, syntax: {} };
  const eol = source.indexOf("\n");
  const line = source.slice(HEADER.length, eol < 0 ? undefined : eol);
  const syntax: FileSyntax = {};
  for (const pair of line.split(",")) {
    const colon = pair.indexOf(":");
    if (colon < 0)
      throw new InfraError(
        `failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`,
        { location: { file, line: 1 }, exitCode: ExitCode.generic },
      );
    const key = pair.slice(0, colon).trim();
    const parsed = literalEval(pair.slice(colon + 1).trim());
    if (!parsed.ok)
      throw new InfraError(`invalid value in jinja2 override '${pair.trim()}'`, {
        location: { file, line: 1 },
      });
    const value = parsed.value;
    if (key === "trim_blocks") syntax.trimBlocks = value === true;
    else if (key === "lstrip_blocks") syntax.lstripBlocks = value === true;
    else if (key === "keep_trailing_newline") syntax.keepTrailingNewline = value === true;
    else if (!(key === "newline_sequence" && value === "\n"))
      throw new InfraError(`the jinja2 override '${key}' is not supported by infra`, {
        location: { file, line: 1 },
        hint: "Supported: trim_blocks, lstrip_blocks, keep_trailing_newline.",
      });
  }
  return { body: eol < 0 ? "" : source.slice(eol + 1), syntax };
}

/** Renders `path` with `vars` to the text Ansible's template module would write. */
export function renderTemplateFile(
  path: string,
  vars: Record<string, unknown>,
  opts: TemplateFileOptions,
): string {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (e) {
    throw new InfraError(`could not read template '${path}': ${(e as Error).message}`, { cause: e });
  }
  const { body, syntax } = parseHeader(source, path);
  const templar = new Templar({
    vars: { ...vars, ...templateVars(path, opts.dest, opts.managedString ?? "Ansible managed") },
    lookupVar: opts.lookupVar,
    decryptVault: opts.decryptVault,
    loader: opts.loader,
  });
  const text = templar.renderFileText(body, path, {
    trimBlocks: syntax.trimBlocks ?? opts.trimBlocks ?? true,
    lstripBlocks: syntax.lstripBlocks ?? opts.lstripBlocks ?? false,
    keepTrailingNewline: syntax.keepTrailingNewline,
  });
  // Ansible counts the trailing newlines of the whole file, header included.
  const want = /\n*$/.exec(source)?.[0].length ?? 0;
  const have = /\n*$/.exec(text)?.[0].length ?? 0;
  return want > have ? text + "\n".repeat(want - have) : text;
}
