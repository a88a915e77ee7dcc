import { loadModule, normalizeSync, parseSync } from 'libpg-query';
import { integerShape } from './integer-shape';
import type { ParsedStatement } from './statement-pipeline';
import type { StatementKind } from './statement-record';
import { TextCache } from './text-cache';

/** libpg-query is WebAssembly: its module loads once, asynchronously, before the first synchronous parse. */
export const parserReady: Promise<void> = loadModule();

/** A query string's parse tree as libpg-query gives it: one node per statement, with its place in the text. */
export interface PostgresTree {
  stmts?: { stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[];
}

/** Readings of texts that come again soon (a client's repeated statements, BEGIN, COMMIT, a ping). */
const statementLists = new TextCache<readonly ParsedStatement[] | undefined>(256, 4096, { secondSight: true });

/**
 * Readings of single statements by their normalized text: the same statement with other literals (what a client
 * sends most) is read from PostgreSQL's normalizer alone, not parsed again. Null: not one statement whose
 * normalized text parses (a placeholder where the grammar takes none, such as `SET x = $1`).
 */
const shapes = new TextCache<Shape | null>(256, 4096, { secondSight: true });

/**
 * Readings of single statements by their integer shape (integer-shape.ts), so that the same statement with other
 * integers skips even the normalizer. A shape is kept only when the normalizer replaced exactly its integers and
 * nothing else (its normalized text is the shape with $1, $2… for the integers, as for `SELECT … WHERE id = 5`, not
 * for `FETCH 5 …` or a DDL default, which keep theirs): then every text of the shape normalizes alike. Texts with
 * a `$` (parameters, dollar quotes) have no integer shape here. Null: read by the normalizer.
 */
const integerShapes = new TextCache<Shape | null>(256, 4096, { secondSight: true });

/** One statement's reading, and where it sits in its query string (in bytes), which normalizing leaves in place. */
interface Shape {
  kind: StatementKind;
  tables: string[];
  normalized: string;
  start: number;
  /** Bytes after the statement's end (a semicolon, space, comments); undefined when it runs to the end. */
  tail: number | undefined;
}

/** The parse tree of a query string, by PostgreSQL's own grammar; undefined when it does not parse. */
export function parsePostgresTree(sql: string): PostgresTree | undefined {
  try {
    return parseSync(sql) as PostgresTree;
  } catch {
    return undefined;
  }
}

/**
 * Splits a query string into its statements and classifies each, by PostgreSQL's own grammar (libpg_query); the
 * normalized text has $n placeholders. Undefined when the text does not parse: the
 * server would refuse it too, and nothing of it can be recorded without its literals.
 */
export function parseStatements(sql: string): readonly ParsedStatement[] | undefined {
  // The library refuses an empty string, which PostgreSQL answers as an empty query.
  if (sql === '') return [];
  const integers = sql.includes('$') ? undefined : integerShape(sql);
  const known = integers === undefined ? null : integerShapes.get(integers, () => shapeOfIntegers(integers, sql));
  return known ? statementOf(sql, known) : statementLists.get(sql, readStatements);
}

function readStatements(sql: string): readonly ParsedStatement[] | undefined {
  const normalized = normalizeOrNull(sql);
  if (normalized === null) return undefined;
  const shape = shapes.get(normalized, readShape);
  return shape === null ? readEach(sql) : statementOf(sql, shape);
}

/** The last text normalized, and its normalized form (null: it does not parse): a text read by neither shape is normalized once. */
let lastNormalized: { sql: string; normalized: string | null } = { sql: '', normalized: null };

function normalizeOrNull(sql: string): string | null {
  if (lastNormalized.sql !== sql) {
    let normalized: string | null;
    try {
      normalized = normalizeSync(sql);
    } catch {
      normalized = null;
    }
    lastNormalized = { sql, normalized };
  }
  return lastNormalized.normalized;
}

/** The reading of a text's normalized form, when the normalizer replaced exactly the integers of its shape. */
function shapeOfIntegers(integers: string, sql: string): Shape | null {
  const normalized = normalizeOrNull(sql);
  let placeholder = 0;
  if (normalized === null || integers.replace(/\?/g, () => `$${(placeholder += 1)}`) !== normalized) return null;
  return shapes.get(normalized, readShape);
}

/** A single statement read by its shape: its own text cut from its own bytes. */
function statementOf(sql: string, shape: Shape): readonly ParsedStatement[] {
  // Only literals differ from the normalized text, and none sits before the statement or after it.
  const text = between(sql, shape.start, shape.tail === undefined ? undefined : Buffer.byteLength(sql, 'utf8') - shape.tail);
  return Object.freeze([Object.freeze({ kind: shape.kind, tables: shape.tables, text, normalized: shape.normalized })]);
}

function readShape(normalized: string): Shape | null {
  const tree = parsePostgresTree(normalized);
  if (tree?.stmts?.length !== 1) return null;
  const [statement] = readTree(normalized, tree) as [ParsedStatement];
  const [raw] = tree.stmts as [NonNullable<PostgresTree['stmts']>[number]];
  const start = raw.stmt_location ?? 0;
  const tail = raw.stmt_len === undefined || raw.stmt_len === 0 ? undefined : Buffer.byteLength(normalized, 'utf8') - start - raw.stmt_len;
  return Object.freeze({ kind: statement.kind, tables: statement.tables, normalized: statement.text, start, tail });
}

/** Each statement of a query string read from its own parse, and normalized on its own. */
function readEach(sql: string): readonly ParsedStatement[] | undefined {
  const tree = parsePostgresTree(sql);
  if (tree === undefined) return undefined;
  return Object.freeze(readTree(sql, tree).map((statement) => Object.freeze({ ...statement, normalized: normalizeSync(statement.text) })));
}

/** The statements of a parse tree with their text (literals as written), kind and tables. */
function readTree(sql: string, tree: PostgresTree): Omit<ParsedStatement, 'normalized'>[] {
  return (tree.stmts ?? []).map((raw) => {
    const start = raw.stmt_location ?? 0;
    const text = between(sql, start, raw.stmt_len === undefined || raw.stmt_len === 0 ? undefined : start + raw.stmt_len);
    const [type, body] = Object.entries(raw.stmt ?? {})[0] ?? ['', {}];
    return { kind: kindOf(type, body), tables: Object.freeze(tablesOf(body)) as string[], text };
  });
}

/** The text between two offsets of a query string, trimmed. Offsets count UTF-8 bytes (characters, in ASCII text). */
function between(sql: string, start: number, end: number | undefined): string {
  const text = Buffer.byteLength(sql, 'utf8') === sql.length ? sql.slice(start, end) : Buffer.from(sql, 'utf8').subarray(start, end).toString('utf8');
  return text.trim();
}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'TruncateStmt']);
const READS = new Set(['VariableShowStmt', 'FetchStmt', 'ClosePortalStmt']);
const DDL = /^(Create|Alter|Drop|Rename|Comment|Grant|Revoke|Reassign|Reindex|Cluster|Refresh|Define|Index|View|Rule|CompositeType|SecLabel|AlterDefaultPrivileges)/;

/** The kind of one statement, by its parse-tree node type (shared with the guards). */
export function kindOf(type: string, body: unknown): StatementKind {
  const node = body as Record<string, unknown>;
  if (type === 'SelectStmt') return node.intoClause ? 'ddl' : 'read';
  if (WRITES.has(type)) return 'write';
  if (READS.has(type)) return 'read';
  if (type === 'CopyStmt') return node.is_from ? 'write' : 'read';
  // The statement an EXPLAIN ANALYZE, a PREPARE or a cursor wraps is what runs.
  if (type === 'ExplainStmt') return explainRuns(node) ? innerKind(node.query) : 'read';
  if (type === 'PrepareStmt' || type === 'DeclareCursorStmt') return innerKind(node.query);
  if (DDL.test(type)) return 'ddl';
  return 'other';
}

function innerKind(query: unknown): StatementKind {
  const [type, body] = Object.entries((query ?? {}) as Record<string, unknown>)[0] ?? ['', {}];
  return kindOf(type, body);
}

function explainRuns(node: Record<string, unknown>): boolean {
  const options = (node.options ?? []) as { DefElem?: { defname?: string; arg?: unknown } }[];
  return options.some((option) => option.DefElem?.defname === 'analyze' && !JSON.stringify(option.DefElem.arg ?? '').includes('false'));
}

/** Every relation the statement names (RangeVar nodes and DROP's name lists), minus the CTEs it defines itself. */
function tablesOf(body: unknown): string[] {
  const tables = new Set<string>();
  const ctes = new Set<string>();
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (typeof node.relname === 'string' && (key === 'RangeVar' || key === 'relation' || key === 'rel')) {
      tables.add(typeof node.schemaname === 'string' ? `${node.schemaname}.${node.relname}` : node.relname);
    }
    if (key === 'CommonTableExpr' && typeof node.ctename === 'string') ctes.add(node.ctename);
    for (const child in node) visit(node[child], child);
  };
  visit(body, undefined);
  const drop = body as { removeType?: string; objects?: { List?: { items?: { String?: { sval?: string } }[] } }[] };
  if (drop.removeType === 'OBJECT_TABLE' || drop.removeType === 'OBJECT_VIEW') {
    for (const object of drop.objects ?? []) tables.add((object.List?.items ?? []).map((item) => item.String?.sval ?? '').join('.'));
  }
  return [...tables].filter((table) => !ctes.has(table)).sort();
}
