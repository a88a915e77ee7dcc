import { loadModule, normalizeSync, parseSync } from 'libpg-query';
import type { ParsedStatement } from './statement-pipeline';
import type { StatementKind } from './statement-record';

/** libpg-query is WebAssembly: its module loads once, asynchronously, before the first synchronous parse. */
export const parserReady: Promise<void> = loadModule();

/**
 * Splits a query string into its statements and classifies each, by PostgreSQL's own grammar (libpg_query); the
 * normalized text has $n placeholders. Undefined when the text does not parse: the
 * server would refuse it too, and nothing of it can be recorded without its literals.
 */
export function parseStatements(sql: string): ParsedStatement[] | undefined {
  // The library refuses an empty string, which PostgreSQL answers as an empty query.
  if (sql === '') return [];
  let tree: { stmts?: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch {
    return undefined;
  }
  // Statement offsets count UTF-8 bytes, not UTF-16 code units.
  const bytes = Buffer.from(sql, 'utf8');
  return (tree.stmts ?? []).map((raw) => {
    const start = raw.stmt_location ?? 0;
    const text = bytes.subarray(start, raw.stmt_len === undefined || raw.stmt_len === 0 ? undefined : start + raw.stmt_len).toString('utf8').trim();
    const [type, body] = Object.entries(raw.stmt ?? {})[0] ?? ['', {}];
    return { kind: kindOf(type, body), tables: tablesOf(body), text, normalized: normalizeSync(text) };
  });
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
    for (const [child, inner] of Object.entries(node)) visit(inner, child);
  };
  visit(body, undefined);
  const drop = body as { removeType?: string; objects?: { List?: { items?: { String?: { sval?: string } }[] } }[] };
  if (drop.removeType === 'OBJECT_TABLE' || drop.removeType === 'OBJECT_VIEW') {
    for (const object of drop.objects ?? []) tables.add((object.List?.items ?? []).map((item) => item.String?.sval ?? '').join('.'));
  }
  return [...tables].filter((table) => !ctes.has(table)).sort();
}
