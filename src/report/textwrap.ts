/**
 * Python's `textwrap.wrap` with its defaults (tabs expanded, whitespace made spaces, words broken on hyphens and
 * when longer than a line), because Ansible wraps `[WARNING]` and `[DEPRECATION WARNING]` messages with it and the
 * line breaks must fall where Ansible's do. Lengths count code points, as Python's `len` does.
 */

const WS = "[\\t\\n\\x0b\\x0c\\r ]";
const NWS = "[^\\t\\n\\x0b\\x0c\\r ]";

/** textwrap.TextWrapper.wordsep_re, one alternative per line of the original, over the given classes. */
function wordsep(classes: { W: string; WORD_PUNCT: string; LETTER: string }): RegExp {
  const { W, WORD_PUNCT, LETTER } = classes;
  return new RegExp(
    "(" +
      `${WS}+` +
      `|(?<=${WORD_PUNCT})-{2,}(?=${W})` +
      `|${NWS}+?(?:` +
      `-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
      `|(?=${WS}|$)` +
      `|(?<=${WORD_PUNCT})(?=-{2,}${W})` +
      "))",
    "u",
  );
}

/** Python's `\w` on str is letters, numbers and underscore; LETTER is `[^\d\W]`, a word character but no digit. */
let unicodeWordsep: RegExp | undefined;
const WORDSEP = () =>
  (unicodeWordsep ??= wordsep({
    W: "[\\p{L}\\p{N}_]",
    WORD_PUNCT: "[\\p{L}\\p{N}_!\"'&.,?]",
    LETTER: "(?:(?!\\p{Nd})[\\p{L}\\p{N}_])",
  }));
/** The same on ASCII text, where those classes are these: compiling the Unicode classes cost ~3 ms per run, and
 * nearly every message Ansible wraps is ASCII. */
const ASCII_WORDSEP = wordsep({ W: "[A-Za-z0-9_]", WORD_PUNCT: "[A-Za-z0-9_!\"'&.,?]", LETTER: "[A-Za-z_]" });
const ASCII = /^[\x00-\x7f]*$/;

export interface WrapOptions {
  /** Python's default drops whitespace at line edges; Ansible's deprecation messages keep it. */
  dropWhitespace?: boolean;
}

export function wrap(text: string, width: number, options: WrapOptions = {}): string[] {
  const dropWhitespace = options.dropWhitespace ?? true;
  const munged = expandTabs(text).replace(/[\t\n\x0b\x0c\r]/g, " ");
  const chunks = munged
    .split(ASCII.test(munged) ? ASCII_WORDSEP : WORDSEP())
    .filter((c): c is string => Boolean(c));
  return wrapChunks(chunks, width, dropWhitespace);
}

function expandTabs(text: string, tabSize = 8): string {
  let out = "";
  let column = 0;
  for (const ch of text) {
    if (ch === "\t") {
      const spaces = tabSize - (column % tabSize);
      out += " ".repeat(spaces);
      column += spaces;
    } else {
      out += ch;
      column = ch === "\n" || ch === "\r" ? 0 : column + 1;
    }
  }
  return out;
}

const len = (s: string): number => [...s].length;
const isBlank = (s: string): boolean => s.trim() === "";

function wrapChunks(chunkList: string[], width: number, dropWhitespace: boolean): string[] {
  const lines: string[] = [];
  // Reversed so that the next chunk is popped from the end, as textwrap does.
  const chunks = [...chunkList].reverse();
  while (chunks.length > 0) {
    const line: string[] = [];
    let lineLen = 0;
    if (dropWhitespace && lines.length > 0 && isBlank(chunks[chunks.length - 1]!)) chunks.pop();
    while (chunks.length > 0) {
      const l = len(chunks[chunks.length - 1]!);
      if (lineLen + l > width) break;
      line.push(chunks.pop()!);
      lineLen += l;
    }
    if (chunks.length > 0 && len(chunks[chunks.length - 1]!) > width) {
      breakLongWord(chunks, line, lineLen, width);
    }
    if (dropWhitespace && line.length > 0 && isBlank(line[line.length - 1]!)) line.pop();
    if (line.length > 0) lines.push(line.join(""));
  }
  return lines;
}

/** Puts as much of a too-long chunk on the line as fits, preferring to cut just after a hyphen. */
function breakLongWord(chunks: string[], line: string[], lineLen: number, width: number): void {
  const spaceLeft = width < 1 ? 1 : width - lineLen;
  const chunk = [...chunks[chunks.length - 1]!];
  let end = spaceLeft;
  if (chunk.length > spaceLeft) {
    const hyphen = chunk.slice(0, spaceLeft).lastIndexOf("-");
    if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== "-")) end = hyphen + 1;
  }
  line.push(chunk.slice(0, end).join(""));
  chunks[chunks.length - 1] = chunk.slice(end).join("");
}
