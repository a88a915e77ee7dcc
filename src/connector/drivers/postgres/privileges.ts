/**
 * One privilege entry of a target's access level, in PostgreSQL GRANT syntax:
 * `SELECT, INSERT ON TABLE public.orders`, `USAGE ON SCHEMA public`, `SELECT ON ALL TABLES IN SCHEMA public`,
 * or with column lists on one table: `SELECT (id, total), UPDATE (total) ON TABLE public.orders`.
 * Parsed into a structured form so the GRANT is rebuilt from keywords of this module and quoted names; any
 * other shape is refused.
 */

export type ObjectKind = 'TABLE' | 'SEQUENCE' | 'SCHEMA' | 'DATABASE' | 'ALL TABLES IN SCHEMA' | 'ALL SEQUENCES IN SCHEMA';

export type PrivilegeKeyword =
  | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'REFERENCES' | 'TRIGGER'
  | 'USAGE' | 'CREATE' | 'CONNECT' | 'TEMPORARY' | 'TEMP' | 'ALL PRIVILEGES';

export interface Privilege {
  /** Keywords from this module's list, or `['ALL PRIVILEGES']`. */
  privileges: PrivilegeKeyword[];
  /** Only for TABLE: the columns a privilege is limited to; a privilege not named here covers the whole table. */
  columns?: Partial<Record<PrivilegeKeyword, string[]>>;
  kind: ObjectKind;
  /** Only for TABLE and SEQUENCE; absent means resolved by the search_path. */
  schema?: string;
  name: string;
}

export type ParseResult = { ok: true; value: Privilege } | { ok: false; problems: string[] };

const TABLE_PRIVILEGES: readonly PrivilegeKeyword[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
const SEQUENCE_PRIVILEGES: readonly PrivilegeKeyword[] = ['USAGE', 'SELECT', 'UPDATE'];

/** Privileges PostgreSQL can grant on single columns (GRANT, "column privileges"). */
const COLUMN_PRIVILEGES: readonly PrivilegeKeyword[] = ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'];

const ALLOWED: Record<ObjectKind, readonly PrivilegeKeyword[]> = {
  TABLE: TABLE_PRIVILEGES,
  SEQUENCE: SEQUENCE_PRIVILEGES,
  SCHEMA: ['CREATE', 'USAGE'],
  DATABASE: ['CREATE', 'CONNECT', 'TEMPORARY', 'TEMP'],
  'ALL TABLES IN SCHEMA': TABLE_PRIVILEGES,
  'ALL SEQUENCES IN SCHEMA': SEQUENCE_PRIVILEGES,
};

/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1 bytes), which would grant on a different name. */
export const MAX_IDENTIFIER_BYTES = 63;

type Punctuation = 'comma' | 'dot' | 'open' | 'close';
type Token = { type: 'word'; text: string } | { type: 'quoted'; text: string } | { type: Punctuation };

const PUNCTUATION: Record<string, Punctuation> = { ',': 'comma', '.': 'dot', '(': 'open', ')': 'close' };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  const pattern = /(\s+)|([A-Za-z_][A-Za-z0-9_$]*)|"((?:[^"\0]|"")*)"|([,.()])/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return `unexpected character ${JSON.stringify(text.charAt(at))} at position ${at + 1}`;
    const [whole, , word, quoted, punctuation] = match;
    if (word !== undefined) tokens.push({ type: 'word', text: word });
    else if (quoted !== undefined) tokens.push({ type: 'quoted', text: quoted.replace(/""/g, '"') });
    else if (punctuation !== undefined) {
      const type = PUNCTUATION[punctuation];
      if (type !== undefined) tokens.push({ type });
    }
    at += whole.length;
  }
  return tokens;
}

class Cursor {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  peekKeyword(): string | undefined {
    const token = this.tokens[this.at];
    return token?.type === 'word' ? token.text.toUpperCase() : undefined;
  }

  keyword(expected: string): boolean {
    if (this.peekKeyword() !== expected) return false;
    this.at += 1;
    return true;
  }

  punctuation(type: Punctuation): boolean {
    if (this.tokens[this.at]?.type !== type) return false;
    this.at += 1;
    return true;
  }

  /** Unquoted identifiers fold to lower case, as PostgreSQL folds them; quoted ones keep their spelling. */
  identifier(): string | undefined {
    const token = this.tokens[this.at];
    if (token?.type === 'word') {
      this.at += 1;
      return token.text.toLowerCase();
    }
    if (token?.type === 'quoted') {
      this.at += 1;
      return token.text;
    }
    return undefined;
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }
}

function parseKind(cursor: Cursor): ObjectKind | undefined {
  for (const kind of ['TABLE', 'SEQUENCE', 'SCHEMA', 'DATABASE'] as const) if (cursor.keyword(kind)) return kind;
  if (!cursor.keyword('ALL')) return undefined;
  const plural = cursor.keyword('TABLES') ? 'TABLES' : cursor.keyword('SEQUENCES') ? 'SEQUENCES' : undefined;
  if (!plural || !cursor.keyword('IN') || !cursor.keyword('SCHEMA')) return undefined;
  return plural === 'TABLES' ? 'ALL TABLES IN SCHEMA' : 'ALL SEQUENCES IN SCHEMA';
}

interface PrivilegeList {
  privileges: string[];
  columns: Map<string, string[]>;
  problems: string[];
}

/** `(a, "B")` after a privilege keyword; undefined when there is no list. */
function parseColumnList(cursor: Cursor): string[] | string | undefined {
  if (!cursor.punctuation('open')) return undefined;
  const columns: string[] = [];
  do {
    const column = cursor.identifier();
    if (column === undefined) return 'expected a column name in the column list';
    columns.push(column);
  } while (cursor.punctuation('comma'));
  if (!cursor.punctuation('close')) return 'expected ) after the column list';
  return columns;
}

function parsePrivilegeList(cursor: Cursor): PrivilegeList | string {
  if (cursor.keyword('ALL')) {
    cursor.keyword('PRIVILEGES');
    if (cursor.punctuation('open')) return 'ALL cannot take a column list: name the privileges (SELECT, INSERT, UPDATE, REFERENCES)';
    return { privileges: ['ALL PRIVILEGES'], columns: new Map(), problems: [] };
  }
  const list: PrivilegeList = { privileges: [], columns: new Map(), problems: [] };
  do {
    const keyword = cursor.peekKeyword();
    if (keyword === undefined || keyword === 'ON') return 'expected a privilege keyword';
    cursor.keyword(keyword);
    const columns = parseColumnList(cursor);
    if (typeof columns === 'string') return columns;
    const seen = list.privileges.includes(keyword);
    if (seen && (columns !== undefined || list.columns.has(keyword))) {
      list.problems.push(`${keyword} is listed more than once with a column list (give it one list)`);
    }
    if (!seen) list.privileges.push(keyword);
    if (columns !== undefined) list.columns.set(keyword, columns);
  } while (cursor.punctuation('comma'));
  return list;
}

function checkIdentifier(name: string, problems: string[]): void {
  if (name === '') problems.push('an identifier is empty');
  else if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    problems.push(`identifier "${name}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
}

export function parsePrivilege(text: string): ParseResult {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, problems: [tokens] };
  const cursor = new Cursor(tokens);
  const list = parsePrivilegeList(cursor);
  if (typeof list === 'string') return { ok: false, problems: [list] };
  if (!cursor.keyword('ON')) return { ok: false, problems: ['expected ON after the privileges'] };
  const kind = parseKind(cursor);
  if (!kind) {
    return {
      ok: false,
      problems: ['expected TABLE, SEQUENCE, SCHEMA, DATABASE, ALL TABLES IN SCHEMA or ALL SEQUENCES IN SCHEMA after ON'],
    };
  }
  let schema: string | undefined;
  let name = cursor.identifier();
  if (name !== undefined && (kind === 'TABLE' || kind === 'SEQUENCE') && cursor.punctuation('dot')) {
    schema = name;
    name = cursor.identifier();
  }
  if (name === undefined) return { ok: false, problems: [`expected a ${kind === 'TABLE' || kind === 'SEQUENCE' ? '(schema.)name' : 'name'} after ${kind}`] };
  if (!cursor.done()) return { ok: false, problems: [`unexpected text after ${kind} name (one object per entry)`] };

  const problems = [...list.problems];
  const allowed = ALLOWED[kind];
  const keywords: PrivilegeKeyword[] = [];
  const columns: Partial<Record<PrivilegeKeyword, string[]>> = {};
  for (const privilege of list.privileges) {
    const keyword = privilege === 'ALL PRIVILEGES' ? privilege : allowed.find((candidate) => candidate === privilege);
    if (keyword === undefined) {
      problems.push(`${privilege} is not a privilege on ${kind} (allowed: ${allowed.join(', ')}, ALL)`);
      continue;
    }
    keywords.push(keyword);
    const named = list.columns.get(privilege);
    if (named === undefined) continue;
    if (kind !== 'TABLE') problems.push(`a column list is only allowed ON TABLE, not ON ${kind}`);
    else if (!COLUMN_PRIVILEGES.includes(keyword)) problems.push(`${keyword} cannot be limited to columns (only ${COLUMN_PRIVILEGES.join(', ')})`);
    for (const column of named) checkIdentifier(column, problems);
    if (new Set(named).size !== named.length) problems.push(`a column is listed twice for ${keyword}`);
    columns[keyword] = named;
  }
  if (schema !== undefined) checkIdentifier(schema, problems);
  checkIdentifier(name, problems);
  if (problems.length > 0) return { ok: false, problems };
  const value: Privilege = { privileges: keywords, kind, name };
  if (Object.keys(columns).length > 0) value.columns = columns;
  if (schema !== undefined) value.schema = schema;
  return { ok: true, value };
}

/**
 * The privilege list of a GRANT or REVOKE, `SELECT ("id", "total"), UPDATE`: keywords from the grammar, every
 * column name passed through `quote` in order (pg's escapeIdentifier, or PGlite's `%I` placeholders).
 */
export function renderPrivilegeList(privilege: Privilege, quote: (name: string) => string): string {
  return privilege.privileges
    .map((keyword) => {
      const columns = privilege.columns?.[keyword];
      return columns === undefined ? keyword : `${keyword} (${columns.map(quote).join(', ')})`;
    })
    .join(', ');
}

/** Problems with one entry (empty when it is fine), for the config check at start. */
export function checkPrivilege(text: string): string[] {
  const result = parsePrivilege(text);
  return result.ok ? [] : result.problems;
}

/**
 * Whether an entry lets a login create objects that outlive its sessions (CREATE on a schema or a database;
 * temporary objects die with the session). Those must be handed to the target's owner at revocation, so
 * such a level needs one.
 */
export function createsObjects(text: string): boolean {
  const result = parsePrivilege(text);
  if (!result.ok || (result.value.kind !== 'SCHEMA' && result.value.kind !== 'DATABASE')) return false;
  return result.value.privileges.some((privilege) => privilege === 'CREATE' || privilege === 'ALL PRIVILEGES');
}
