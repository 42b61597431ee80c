/**
 * community.mysql's mysql_quote_identifier: a user-written name (`db`, `db.table`, already `` `quoted` `` or not)
 * becomes backtick-quoted fragments joined by dots, with inner backticks doubled, so any database name a user
 * writes can be put into DDL without injection. Errors carry the collection's own wording.
 */
export class SqlParseError extends Error {}
class UnclosedQuote extends Error {}

const DOT_LEVEL = { database: 1, table: 2, column: 3, role: 1, vars: 1 } as const;

function findEndQuote(identifier: string, q: string): number {
  let acc = 0;
  let rest = identifier;
  for (;;) {
    const i = rest.indexOf(q);
    if (i < 0) throw new UnclosedQuote();
    acc += i;
    if (i + 1 >= rest.length) return acc;
    if (rest[i + 1] !== q) return acc;
    rest = rest.slice(i + 2);
    acc += 2;
  }
}

function wrap(s: string, q: string): string {
  return q + s.split(q).join(q + q) + q;
}

function identifierParse(identifier: string, q: string): string[] {
  if (!identifier) throw new SqlParseError("Identifier name unspecified or unquoted trailing dot");
  if (identifier.startsWith(q)) {
    let end: number | undefined;
    try {
      end = findEndQuote(identifier.slice(1), q) + 1;
    } catch (e) {
      if (!(e instanceof UnclosedQuote)) throw e;
    }
    if (end !== undefined) {
      if (end >= identifier.length - 1) return [identifier];
      if (identifier[end + 1] !== ".")
        throw new SqlParseError("User escaped identifiers must escape extra quotes");
      return [identifier.slice(0, end + 1), ...identifierParse(identifier.slice(end + 2), q)];
    }
  }
  const dot = identifier.indexOf(".");
  if (dot <= 0 || dot >= identifier.length - 1) return [wrap(identifier, q)];
  return [wrap(identifier.slice(0, dot), q), ...identifierParse(identifier.slice(dot + 1), q)];
}

export function mysqlQuoteIdentifier(identifier: string, idType: keyof typeof DOT_LEVEL): string {
  const fragments = identifierParse(identifier, "`");
  if (fragments.length - 1 > DOT_LEVEL[idType])
    throw new SqlParseError(`MySQL does not support ${idType} with more than ${DOT_LEVEL[idType]} dots`);
  return fragments.map((f) => (f === "`*`" ? "*" : f)).join(".");
}
