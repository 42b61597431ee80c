/**
 * The shell commands a restore document asks its reader to run, read the way a person follows it: the service's
 * section (the first heading that matches, with its subsections), its fenced blocks in a shell language and its
 * indented blocks, one command per line (`\` continuations and here-documents kept together, `$ ` prompts
 * dropped). The user comes from the text before a block ("as **root**", "as user `backup`") or from a
 * `sudo -i` / `sudo su - backup` / `exit` line; the host from "on **mysql-1**" or an `ssh host` line. Commands
 * meant for the control machine (ansible-playbook, infra) are listed apart, not run on the host.
 */
export interface CommandStep {
  command: string;
  /** Line of the document where the command starts (1-based). */
  line: number;
  user: string;
  /** The host the text names for it, when it names one. */
  host?: string;
}

export interface DocSection {
  heading: string;
  line: number;
  steps: CommandStep[];
  /** Commands for the control machine, which the drill does not run on the host. */
  control: CommandStep[];
}

interface Line {
  text: string;
  n: number;
}

type Piece = { kind: "text"; lines: Line[] } | { kind: "code"; lang: string; lines: Line[] };

const SHELL_LANGS = new Set([
  "",
  "sh",
  "bash",
  "shell",
  "console",
  "shell-session",
  "zsh",
  "terminal",
  "shellsession",
]);
const PROMPT_LANGS = new Set(["console", "shell-session", "shellsession", "terminal"]);
const CONTROL = /^(ansible-playbook|ansible|infra|git|npm|npx)\b/;

function headingOf(text: string): { level: number; title: string } | undefined {
  const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(text);
  return m ? { level: m[1]!.length, title: m[2]! } : undefined;
}

/** The lines of the first section whose heading matches, up to the next heading of its level or higher. */
function sectionLines(
  lines: Line[],
  heading: (title: string) => boolean,
): { title: string; lines: Line[] } | undefined {
  let fence = false;
  let start: { i: number; level: number; title: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text;
    if (/^\s*(```|~~~)/.test(t)) fence = !fence;
    if (fence) continue;
    const h = headingOf(t);
    if (!h) continue;
    if (start && h.level <= start.level) return { title: start.title, lines: lines.slice(start.i + 1, i) };
    if (!start && heading(h.title)) start = { i, level: h.level, title: h.title };
  }
  return start && { title: start.title, lines: lines.slice(start.i + 1) };
}

/** Paragraphs and code blocks, in order. An indented block needs a blank line (or a heading) before it. */
function pieces(lines: Line[]): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  let afterBlank = true;
  while (i < lines.length) {
    const t = lines[i]!.text;
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(t);
    if (fence) {
      const close = new RegExp(`^\\s*${fence[1]![0] === "`" ? "`" : "~"}{${fence[1]!.length},}\\s*$`);
      const body: Line[] = [];
      for (i++; i < lines.length && !close.test(lines[i]!.text); i++) body.push(lines[i]!);
      out.push({ kind: "code", lang: fence[2]!.toLowerCase(), lines: body });
      i++;
      afterBlank = false;
      continue;
    }
    if (afterBlank && /^( {4}|\t)/.test(t) && t.trim()) {
      const body: Line[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]!.text) || !lines[i]!.text.trim())) {
        body.push({ text: lines[i]!.text.replace(/^( {4}|\t)/, ""), n: lines[i]!.n });
        i++;
      }
      out.push({ kind: "code", lang: "", lines: body });
      afterBlank = true;
      continue;
    }
    if (!t.trim()) afterBlank = true;
    else {
      const last = out[out.length - 1];
      if (last?.kind === "text" && !afterBlank) last.lines.push(lines[i]!);
      else out.push({ kind: "text", lines: [lines[i]!] });
      afterBlank = !!headingOf(t);
    }
    i++;
  }
  return out;
}

/** The user the text says to run as, the last one it names ("as root (not `backup`)" is root). */
export function userIn(text: string): string | undefined {
  let found: string | undefined;
  for (const m of text.matchAll(/\bas\s+(?:the\s+)?(user\s+)?([`*_]*)([A-Za-z_][\w.-]*)/gi)) {
    const word = m[3]!.replace(/[.]+$/, "");
    if (m[1] || m[2] || word.toLowerCase() === "root") found = word.toLowerCase() === "root" ? "root" : word;
  }
  return found;
}

/** The host the text names in code or bold ("on **mysql-1**", "on host `db`"). */
export function hostIn(text: string): string | undefined {
  let found: string | undefined;
  for (const m of text.matchAll(/\bon\s+(?:(?:the\s+)?host\s+)?([`*]+)([\w.-]+)\1/gi)) found = m[2];
  return found;
}

/** Commands of a code block: prompts, comments and blank lines dropped, continuations and heredocs joined. */
function blockCommands(lang: string, lines: Line[]): Line[] {
  const prompts = PROMPT_LANGS.has(lang);
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!.text;
    const n = lines[i]!.n;
    const prompt = /^\s*[$#]\s+/.exec(text);
    if (prompts) {
      if (!prompt) continue; // output shown in a console block
      text = text.slice(prompt[0].length);
    } else if (/^\s*\$\s+/.test(text)) text = text.replace(/^\s*\$\s+/, "");
    if (!text.trim() || /^\s*#/.test(text)) continue;
    while (/\\\s*$/.test(text) && i + 1 < lines.length)
      text = `${text.replace(/\\\s*$/, "").trimEnd()} ${lines[++i]!.text.trim()}`;
    const heredoc = /<<-?\s*(['"]?)(\w+)\1/.exec(text);
    if (heredoc) {
      const body: string[] = [];
      while (i + 1 < lines.length) {
        const l = lines[++i]!.text;
        body.push(l);
        if (l.trim() === heredoc[2]) break;
      }
      text = [text, ...body].join("\n");
    }
    out.push({ text: text.trim(), n });
  }
  return out;
}

/** `sudo -i`, `sudo su - backup`, `su backup`, `sudo -iu backup`: the user the reader becomes, else undefined. */
export function switchesTo(command: string): string | undefined {
  const c = command.trim().replace(/\s+/g, " ");
  const su = /^(?:sudo )?su(?: -l?| --login)?(?: ([A-Za-z_][\w-]*))?$/.exec(c);
  if (su) return su[1] ?? "root";
  const shell = /^sudo (?:-[is]|--login|--shell)$/.exec(c);
  if (shell) return "root";
  const as = /^sudo (?:-[is]u ?|-[is] -u |-u )([A-Za-z_][\w-]*)(?: -[is])?$/.exec(c);
  if (as && /-[is]/.test(c)) return as[1];
  return undefined;
}

/** The section of `text` whose heading satisfies `heading`, with its commands, or undefined when there is none. */
export function documentSection(text: string, heading: (title: string) => boolean): DocSection | undefined {
  const all = text.split("\n").map((t, i) => ({ text: t.replace(/\r$/, ""), n: i + 1 }));
  const found = sectionLines(all, heading);
  if (!found) return undefined;
  const headLine = (found.lines[0]?.n ?? all.length + 1) - 1;
  const steps: CommandStep[] = [];
  const control: CommandStep[] = [];
  const users: string[] = ["root"];
  let host: string | undefined;
  for (const p of pieces(found.lines)) {
    if (p.kind === "text") {
      const said = p.lines.map((l) => l.text).join(" ");
      const user = userIn(said);
      if (user) users.splice(0, users.length, user);
      host = hostIn(said) ?? host;
      continue;
    }
    if (!SHELL_LANGS.has(p.lang)) continue;
    for (const c of blockCommands(p.lang, p.lines)) {
      const becomes = switchesTo(c.text);
      const ssh = /^ssh\s+(?:-\S+\s+)*(?:[\w.-]+@)?([\w.-]+)\s*$/.exec(c.text);
      if (becomes) users.push(becomes);
      else if (c.text === "exit" || c.text === "logout") users.length > 1 && users.pop();
      else if (ssh) host = ssh[1];
      else
        (CONTROL.test(c.text) ? control : steps).push({
          command: c.text,
          line: c.n,
          user: users[users.length - 1]!,
          host,
        });
    }
  }
  return { heading: found.title, line: headLine, steps, control };
}
