import { loadModule, normalizeSync, parseSync } from 'libpg-query';
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
  return statementLists.get(sql, readStatements);
}

function readStatements(sql: string): readonly ParsedStatement[] | undefined {
  const tree = parsePostgresTree(sql);
  if (tree === undefined) return undefined;
  const stmts = tree.stmts ?? [];
  // Statement offsets count UTF-8 bytes, not UTF-16 code units (the same, in ASCII text).
  const bytes = Buffer.byteLength(sql, 'utf8') === sql.length ? undefined : Buffer.from(sql, 'utf8');
  return Object.freeze(
    stmts.map((raw) => {
      const start = raw.stmt_location ?? 0;
      const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? undefined : start + raw.stmt_len;
      const text = (bytes ? bytes.subarray(start, end).toString('utf8') : sql.slice(start, end)).trim();
      const [type, body] = Object.entries(raw.stmt ?? {})[0] ?? ['', {}];
      return Object.freeze({ kind: kindOf(type, body), tables: Object.freeze(tablesOf(body)) as string[], text, normalized: normalizeSync(text) });
    }),
  );
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
