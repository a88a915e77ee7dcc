/**
 * A privilege entry from config (`SELECT, INSERT ON TABLE shop.orders`), parsed into keywords from a closed
 * set and names. Nothing from the entry reaches SQL except through `renderGrant`, which writes only those
 * keywords and `%I` placeholders for the database to quote.
 *
 * Grammar (the PostgreSQL GRANT syntax, one object kind per entry):
 *   entry   := privs ON target
 *   privs   := ALL [PRIVILEGES] | priv {, priv}
 *   target  := TABLE qname {, qname} | SEQUENCE qname {, qname} | SCHEMA name {, name}
 *            | DATABASE name {, name} | ALL (TABLES | SEQUENCES | FUNCTIONS) IN SCHEMA name {, name}
 *   qname   := name [. name]
 *   name    := unquoted identifier (folded to lower case) | "quoted identifier"
 * Column lists, WITH GRANT OPTION, a grantee and anything else are refused.
 */

const PRIVILEGES_BY_KIND = {
  TABLE: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'],
  SEQUENCE: ['USAGE', 'SELECT', 'UPDATE'],
  SCHEMA: ['USAGE', 'CREATE'],
  DATABASE: ['CONNECT', 'CREATE', 'TEMPORARY', 'TEMP'],
  'ALL TABLES IN SCHEMA': ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'],
  'ALL SEQUENCES IN SCHEMA': ['USAGE', 'SELECT', 'UPDATE'],
  'ALL FUNCTIONS IN SCHEMA': ['EXECUTE'],
} as const satisfies Record<string, readonly string[]>;

export type ObjectKind = keyof typeof PRIVILEGES_BY_KIND;
type Privilege = (typeof PRIVILEGES_BY_KIND)[ObjectKind][number];

const ALL_PRIVILEGES = new Set<string>(Object.values(PRIVILEGES_BY_KIND).flat());
/** Kinds whose objects may be schema-qualified. */
const QUALIFIED_KINDS = new Set<ObjectKind>(['TABLE', 'SEQUENCE']);
const MAX_IDENTIFIER_BYTES = 63;

export interface ObjectName {
  schema?: string;
  name: string;
}

export interface ParsedPrivilege {
  /** `ALL` stands for ALL PRIVILEGES. */
  privileges: Privilege[] | 'ALL';
  kind: ObjectKind;
  objects: ObjectName[];
}

export type ParseResult = { ok: true; value: ParsedPrivilege } | { ok: false; problems: string[] };

type Token = { type: 'word'; text: string } | { type: 'quoted'; text: string } | { type: 'comma' } | { type: 'dot' };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    const word = /^[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_$\u0080-\uFFFF]*/.exec(rest);
    if (space) {
      i += space[0].length;
    } else if (word) {
      tokens.push({ type: 'word', text: word[0] });
      i += word[0].length;
    } else if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"]|"")*)"/.exec(rest);
      if (!quoted) return 'unterminated quoted name';
      const name = (quoted[1] ?? '').replaceAll('""', '"');
      if (name === '') return 'empty quoted name';
      tokens.push({ type: 'quoted', text: name });
      i += quoted[0].length;
    } else if (rest.startsWith(',')) {
      tokens.push({ type: 'comma' });
      i += 1;
    } else if (rest.startsWith('.')) {
      tokens.push({ type: 'dot' });
      i += 1;
    } else {
      return `unexpected character ${JSON.stringify(rest.charAt(0))} at position ${i + 1}`;
    }
  }
  return tokens;
}

class Cursor {
  #at = 0;
  constructor(private readonly tokens: Token[]) {}

  peekKeyword(): string | undefined {
    const token = this.tokens[this.#at];
    return token?.type === 'word' ? token.text.toUpperCase() : undefined;
  }

  keyword(expected: string): boolean {
    if (this.peekKeyword() !== expected) return false;
    this.#at += 1;
    return true;
  }

  punct(type: 'comma' | 'dot'): boolean {
    if (this.tokens[this.#at]?.type !== type) return false;
    this.#at += 1;
    return true;
  }

  /** A name: quoted as written; unquoted folded to lower case as PostgreSQL does (ASCII letters only). */
  name(): string | undefined {
    const token = this.tokens[this.#at];
    if (token?.type !== 'word' && token?.type !== 'quoted') return undefined;
    this.#at += 1;
    return token.type === 'word' ? token.text.replace(/[A-Z]/g, (letter) => letter.toLowerCase()) : token.text;
  }

  describeNext(): string {
    const token = this.tokens[this.#at];
    if (!token) return 'end of entry';
    if (token.type === 'comma') return '","';
    if (token.type === 'dot') return '"."';
    return JSON.stringify(token.text);
  }

  done(): boolean {
    return this.#at >= this.tokens.length;
  }
}

type Step<T> = { ok: true; value: T } | { ok: false; problem: string };

function isPrivilege(word: string): word is Privilege {
  return ALL_PRIVILEGES.has(word);
}

function parsePrivilegeList(cursor: Cursor): Step<Privilege[] | 'ALL'> {
  if (cursor.keyword('ALL')) {
    cursor.keyword('PRIVILEGES');
    return { ok: true, value: 'ALL' };
  }
  const privileges: Privilege[] = [];
  do {
    const word = cursor.peekKeyword();
    if (word === undefined || word === 'ON') return { ok: false, problem: `expected a privilege, found ${cursor.describeNext()}` };
    if (!isPrivilege(word)) return { ok: false, problem: `unknown privilege ${JSON.stringify(word)}` };
    cursor.keyword(word);
    privileges.push(word);
  } while (cursor.punct('comma'));
  return { ok: true, value: privileges };
}

const ALL_KINDS = new Map<string, ObjectKind>([
  ['TABLES', 'ALL TABLES IN SCHEMA'],
  ['SEQUENCES', 'ALL SEQUENCES IN SCHEMA'],
  ['FUNCTIONS', 'ALL FUNCTIONS IN SCHEMA'],
]);

function parseKind(cursor: Cursor): Step<ObjectKind> {
  for (const kind of ['TABLE', 'SEQUENCE', 'SCHEMA', 'DATABASE'] as const) {
    if (cursor.keyword(kind)) return { ok: true, value: kind };
  }
  if (cursor.keyword('ALL')) {
    const plural = cursor.peekKeyword() ?? '';
    const kind = ALL_KINDS.get(plural);
    if (!kind) return { ok: false, problem: `expected TABLES, SEQUENCES or FUNCTIONS after ALL, found ${cursor.describeNext()}` };
    cursor.keyword(plural);
    if (!cursor.keyword('IN') || !cursor.keyword('SCHEMA')) return { ok: false, problem: `expected IN SCHEMA, found ${cursor.describeNext()}` };
    return { ok: true, value: kind };
  }
  return {
    ok: false,
    problem: `expected an object kind (TABLE, SEQUENCE, SCHEMA, DATABASE, ALL TABLES|SEQUENCES|FUNCTIONS IN SCHEMA), found ${cursor.describeNext()}`,
  };
}

function parseObjects(cursor: Cursor, kind: ObjectKind): Step<ObjectName[]> {
  const objects: ObjectName[] = [];
  do {
    const first = cursor.name();
    if (first === undefined) return { ok: false, problem: `expected a name, found ${cursor.describeNext()}` };
    if (cursor.punct('dot')) {
      if (!QUALIFIED_KINDS.has(kind)) return { ok: false, problem: `a ${kind.toLowerCase()} name cannot be qualified` };
      const second = cursor.name();
      if (second === undefined) return { ok: false, problem: `expected a name after ".", found ${cursor.describeNext()}` };
      objects.push({ schema: first, name: second });
    } else {
      objects.push({ name: first });
    }
  } while (cursor.punct('comma'));
  return { ok: true, value: objects };
}

function nameProblems(objects: ObjectName[]): string[] {
  return objects
    .flatMap((object) => [object.schema, object.name])
    .filter((part): part is string => part !== undefined && Buffer.byteLength(part) > MAX_IDENTIFIER_BYTES)
    .map((part) => `name ${JSON.stringify(part)} is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
}

export function parsePrivilege(text: string): ParseResult {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, problems: [tokens] };
  if (tokens.length === 0) return { ok: false, problems: ['empty privilege entry'] };
  const cursor = new Cursor(tokens);

  const privileges = parsePrivilegeList(cursor);
  if (!privileges.ok) return { ok: false, problems: [privileges.problem] };
  if (!cursor.keyword('ON')) return { ok: false, problems: [`expected ON, found ${cursor.describeNext()}`] };
  const kind = parseKind(cursor);
  if (!kind.ok) return { ok: false, problems: [kind.problem] };
  const objects = parseObjects(cursor, kind.value);
  if (!objects.ok) return { ok: false, problems: [objects.problem] };
  if (!cursor.done()) return { ok: false, problems: [`unexpected ${cursor.describeNext()} after the object names`] };

  const allowed: readonly string[] = PRIVILEGES_BY_KIND[kind.value];
  const listed = privileges.value === 'ALL' ? [] : privileges.value;
  const problems = [
    ...listed.filter((p) => !allowed.includes(p)).map((p) => `${p} does not apply to ${kind.value}`),
    ...(new Set(listed).size === listed.length ? [] : ['a privilege is listed twice']),
    ...nameProblems(objects.value),
  ];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { privileges: privileges.value, kind: kind.value, objects: objects.value } };
}

/** Problems with one privilege entry; empty when it is valid. */
export function checkPrivilege(text: string): string[] {
  const result = parsePrivilege(text);
  return result.ok ? [] : result.problems;
}

/**
 * A `format()` template granting the entry to one grantee, and its identifier arguments in order (the
 * grantee last). The template holds only keywords from the tables above and `%I` placeholders.
 */
export function renderGrant(privilege: ParsedPrivilege, grantee: string): { template: string; identifiers: string[] } {
  const privileges = privilege.privileges === 'ALL' ? 'ALL PRIVILEGES' : privilege.privileges.join(', ');
  const placeholders = privilege.objects.map((object) => (object.schema === undefined ? '%I' : '%I.%I')).join(', ');
  const identifiers = privilege.objects.flatMap((object) => (object.schema === undefined ? [object.name] : [object.schema, object.name]));
  return { template: `GRANT ${privileges} ON ${privilege.kind} ${placeholders} TO %I`, identifiers: [...identifiers, grantee] };
}
