/**
 * ansible.builtin.template: renders a controller template (found in the role's templates/, then the playbook dir)
 * with the task's variables plus Ansible's template_* variables and `ansible_managed`, with Ansible's template
 * settings (trim_blocks on, trailing newlines kept), then writes it as copy does.
 *
 * newline_sequence is applied to the rendered text, so newlines inside variable values are converted too (Jinja2
 * converts only the template's own text); custom delimiters (variable_start_string…) are refused.
 */
import { ModuleArgsError } from "./args.js";
import { readFileSync, statSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { compileTemplate, renderCompiled, TemplateError } from "../template/environment.js";
import { normalizeSource, trailingNewlines } from "../template/templar.js";
import type { Module, ModuleContext } from "./types.js";
import { FILE_COMMON_ARGS } from "./util/attributes.js";
import { pyNow } from "./util/command-run.js";
import { copyTo, type CopyCoreArgs } from "./util/copy-core.js";
import { ModuleFailure } from "./util/failure.js";
import { posix } from "node:path";

interface TemplateArgs extends CopyCoreArgs {
  src: string;
  newline_sequence: string;
  trim_blocks: boolean;
  lstrip_blocks: boolean;
  output_encoding: string;
  state?: unknown;
  [delimiter: string]: unknown;
}

const DELIMITERS = [
  "variable_start_string",
  "variable_end_string",
  "block_start_string",
  "block_end_string",
  "comment_start_string",
  "comment_end_string",
];
const DEFAULT_DELIMITERS: Record<string, string> = {
  variable_start_string: "{{",
  variable_end_string: "}}",
  block_start_string: "{%",
  block_end_string: "%}",
  comment_start_string: "{#",
  comment_end_string: "#}",
};

const ENCODINGS: Record<string, BufferEncoding> = {
  "utf-8": "utf8",
  utf8: "utf8",
  ascii: "ascii",
  "us-ascii": "ascii",
  "latin-1": "latin1",
  latin1: "latin1",
  "iso-8859-1": "latin1",
  "utf-16-le": "utf16le",
  "utf-16le": "utf16le",
};

const pyDate = (d: Date) => pyNow(d, d.getMilliseconds() * 1000);

/** Ansible's generate_ansible_template_vars. */
function templateVars(src: string, full: string, dest: string): Record<string, unknown> {
  const st = statSync(full);
  let uid: string;
  try {
    uid = st.uid === process.getuid?.() ? userInfo().username : String(st.uid);
  } catch {
    uid = String(st.uid);
  }
  return {
    template_host: hostname(),
    template_path: src,
    template_mtime: pyDate(st.mtime),
    template_uid: uid,
    template_run_date: pyDate(new Date()),
    template_destpath: dest,
    template_fullpath: full,
    ansible_managed: "Ansible managed",
  };
}

/** Renders the template file as Ansible's template action does; errors read "<ErrorType>: <message>". */
export function renderTemplate(ctx: ModuleContext, args: TemplateArgs, full: string): string {
  const source = readFileSync(full, "utf8");
  const templar = ctx.templar.withVars(templateVars(args.src, full, args.dest));
  let text: string;
  try {
    const compiled = compileTemplate(
      normalizeSource(source),
      { trimBlocks: args.trim_blocks, lstripBlocks: args.lstrip_blocks, rawStringsInVariables: false },
      full,
    );
    text = renderCompiled(compiled, templar).text;
  } catch (e) {
    if (e instanceof TemplateError)
      throw new ModuleFailure(
        `${e.kind === "undefined" ? "AnsibleUndefinedVariable" : "AnsibleError"}: ${e.message}`,
      );
    throw e;
  }
  const nl = args.newline_sequence;
  if (nl !== "\n") text = text.replace(/\n/g, nl);
  const missing =
    trailingNewlines(normalizeSource(source, true)) - trailingNewlines(text.replace(/\r\n?/g, "\n"));
  return missing > 0 ? text + nl.repeat(missing) : text;
}

export const template: Module<TemplateArgs> = {
  name: "template",
  aliases: ["ansible.builtin.template", "ansible.legacy.template"],
  args: {
    // Ansible's template action checks these itself, with its own message (below).
    src: { type: "path" },
    dest: { type: "path" },
    newline_sequence: { type: "str", default: "\n" },
    trim_blocks: { type: "bool", default: true },
    lstrip_blocks: { type: "bool", default: false },
    output_encoding: { type: "str", default: "utf-8" },
    backup: { type: "bool", default: false },
    force: { type: "bool", default: true },
    follow: { type: "bool", default: false },
    validate: { type: "str" },
    state: { type: "raw" },
    ...Object.fromEntries(DELIMITERS.map((d) => [d, { type: "str" as const }])),
    ...FILE_COMMON_ARGS,
  },
  checkMode: true,
  async run(args, ctx) {
    if (args.src == null || args.dest == null) throw new ModuleArgsError("src and dest are required");
    if (args.state !== undefined && args.state !== null)
      throw new ModuleArgsError("'state' cannot be specified on a template");
    const wrong = ["\\n", "\\r", "\\r\\n"];
    const allowed = ["\n", "\r", "\r\n"];
    const nl = wrong.includes(args.newline_sequence)
      ? allowed[wrong.indexOf(args.newline_sequence)]!
      : args.newline_sequence;
    if (!allowed.includes(nl))
      throw new ModuleArgsError("newline_sequence needs to be one of: \n, \r or \r\n");
    for (const d of DELIMITERS) {
      if (args[d] != null && args[d] !== DEFAULT_DELIMITERS[d])
        throw new ModuleArgsError(`${d} is not supported: templates use Jinja2's default delimiters`);
    }
    const encoding = ENCODINGS[(args.output_encoding || "utf-8").toLowerCase()];
    if (!encoding) throw new ModuleFailure(`LookupError: unknown encoding: ${args.output_encoding}`);
    const full = ctx.findFile("templates", args.src);
    const text = renderTemplate(ctx, { ...args, newline_sequence: nl }, full);
    const mode =
      args.mode === "preserve"
        ? "0" + (statSync(full).mode & 0o7777).toString(8).padStart(3, "0")
        : args.mode;
    return copyTo(
      { ...args, mode },
      {
        content: Buffer.from(text, encoding),
        basename: posix.basename(full),
        // Ansible shows the rendered temporary file's path here; the template it came from says more.
        label: full,
        src: full,
      },
      ctx,
    );
  },
};
