/**
 * ansible.cfg read the way Python's `configparser.ConfigParser(inline_comment_prefixes=(';',))` reads it, which is
 * what Ansible uses: `key = value` or `key: value` (the first `=` or `:` splits), keys case-insensitive, whole-line
 * `#`/`;` comments, inline comments only with `;` after whitespace (a `#` after a value is part of the value),
 * indented lines continue the previous value, `[DEFAULT]` values show through in every section, and a repeated
 * section or key is an error (strict mode).
 */
import { ExitCode, InfraError } from "../util/errors.js";

export interface IniEntry {
  value: string;
  line: number;
}

export interface IniFile {
  file: string;
  sections: Map<string, Map<string, IniEntry>>;
  defaults: Map<string, IniEntry>;
}

const SECTION_RE = /^\[(?<header>.+)\]/;
const OPTION_RE = /^(?<option>.*?)\s*(?<vi>[=:])\s*(?<value>.*)$/s;

export function parseConfigIni(text: string, file: string): IniFile {
  const sections = new Map<string, Map<string, IniEntry>>();
  const defaults = new Map<string, IniEntry>();
  const added = new Set<string>();
  const values = new Map<IniEntry, string[]>();
  let current: Map<string, IniEntry> | undefined;
  let sectionName = "";
  let option: IniEntry | undefined;
  let indentLevel = 0;
  const fail: (message: string, line: number, raw: string, hint: string) => never = (
    message,
    line,
    raw,
    hint,
  ) => {
    throw new InfraError(`Error reading config file (${file}): ${message}`, {
      location: { file, line, column: raw.length - raw.trimStart().length + 1 },
      excerpt: raw.replace(/\r?\n$/, ""),
      hint,
      exitCode: ExitCode.options,
    });
  };

  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const commentStart = inlineCommentStart(raw);
    const value = raw.slice(0, commentStart ?? raw.length).trim();
    if (!value) {
      // Blank lines inside a value are kept (and trimmed off its end later); a comment line adds nothing.
      if (commentStart === undefined && option) values.get(option)!.push("");
      return;
    }
    const indent = raw.search(/\S/);
    if (current && option && indent > indentLevel) {
      values.get(option)!.push(value);
      return;
    }
    indentLevel = indent;
    const section = SECTION_RE.exec(value);
    if (section) {
      sectionName = section.groups!.header!;
      if (sectionName === "DEFAULT") current = defaults;
      else {
        if (added.has(`[${sectionName}]`)) {
          fail(`section '${sectionName}' already exists`, lineNo, raw, "Merge the two sections into one.");
        }
        added.add(`[${sectionName}]`);
        current = sections.get(sectionName) ?? new Map();
        sections.set(sectionName, current);
      }
      option = undefined;
      return;
    }
    if (!current) {
      fail(
        "File contains no section headers.",
        lineNo,
        raw,
        "Start the file with a section such as [defaults].",
      );
    }
    const m = OPTION_RE.exec(value);
    if (!m || !m.groups!.option) {
      fail(
        `Source contains parsing errors: line ${lineNo}`,
        lineNo,
        raw,
        "Settings are written `key = value`.",
      );
    }
    const key = m.groups!.option!.trimEnd().toLowerCase();
    const id = `${sectionName}\u0000${key}`;
    if (added.has(id)) {
      fail(
        `option '${key}' in section '${sectionName}' already exists`,
        lineNo,
        raw,
        "Keep only one of the two lines.",
      );
    }
    added.add(id);
    option = { value: "", line: lineNo };
    values.set(option, [m.groups!.value!.trim()]);
    current.set(key, option);
  });
  for (const [entry, parts] of values) entry.value = parts.join("\n").trimEnd();
  return { file, sections, defaults };
}

/** Where a `;` comment starts: at the line start or after whitespace (Python checks each occurrence in turn). */
function inlineCommentStart(line: string): number | undefined {
  if (/^\s*[#;]/.test(line)) return 0;
  for (let i = line.indexOf(";"); i >= 0; i = line.indexOf(";", i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1]!)) return i;
  }
  return undefined;
}

/** `parser.get(section, key, raw=True)`: the section's value, else [DEFAULT]'s, else undefined. */
export function iniGet(ini: IniFile, section: string, key: string): IniEntry | undefined {
  const s = ini.sections.get(section);
  if (!s) return undefined; // Python raises NoSectionError; Ansible ignores it
  return s.get(key) ?? ini.defaults.get(key);
}
