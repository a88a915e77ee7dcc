import { functionName, objects, type Node } from '../parse-mysql-statements';
import { UNPARSED, type Refusal } from '../guards/check-guards';
import { lexicalProblem } from '../guards/check-mysql-guards';
import type { MysqlMaskingCatalog } from './mysql-masking-catalog';

/** Tables that hold column values whatever masking the gateway does (MariaDB's and MySQL's histograms). */
const SIDE_CHANNELS = new Set(['column_stats', 'column_statistics']);
/** What a masked level may run at all; anything else (CALL, DDL, what the grammar does not know) is refused. */
const ALLOWED = new Set(['select', 'insert', 'replace', 'update', 'delete', 'show', 'desc', 'describe', 'explain', 'set', 'use', 'transaction']);
const WRITES = new Set(['insert', 'replace', 'update', 'delete']);

function columnName(node: Node): string {
  const column = node.column as string | { expr?: { value?: unknown } } | undefined;
  return String(typeof column === 'string' ? column : (column?.expr?.value ?? '')).toLowerCase();
}

/** The column references a simple top-level SELECT's list holds as they are: the only place a masked column may appear. */
function outputColumns(ast: Node): Set<unknown> {
  const allowed = new Set<unknown>();
  if (ast.type !== 'select' || ast._next || (Array.isArray(ast.with) && ast.with.length > 0)) return allowed;
  for (const item of (Array.isArray(ast.columns) ? ast.columns : []) as { expr?: Node }[]) {
    // A COLLATE clause makes the column an expression: the server no longer says where it comes from.
    if (item.expr?.type === 'column_ref' && (item.expr.collate === null || item.expr.collate === undefined)) allowed.add(item.expr);
  }
  return allowed;
}

/** What a statement that reads a table with masked columns may not do, whichever columns it names. */
function tableWideProblem(node: Node): string | undefined {
  const into = node.into as { keyword?: unknown } | undefined;
  if (into?.keyword !== undefined && into.keyword !== null) return 'SELECT … INTO would keep masked values where the gateway cannot mask them';
  for (const clause of ['orderby', 'groupby']) {
    const items = (node.type === 'select' ? node[clause] : undefined) as { columns?: { expr?: Node }[] } | { expr?: Node }[] | null | undefined;
    const list = Array.isArray(items) ? items : (items?.columns ?? []);
    if (list.some((item) => item.expr?.type === 'number')) return 'ordering or grouping by position could reveal masked values';
  }
  return undefined;
}

function statementProblem(catalog: MysqlMaskingCatalog, ast: Node): string | undefined {
  const type = String(ast.type ?? '').toLowerCase();
  if (!ALLOWED.has(type)) return `a level with masked columns cannot run ${type.toUpperCase()}`;
  const lexical = lexicalProblem(ast);
  if (lexical !== undefined) return lexical;
  const all = objects(ast);
  let touchesMasked = false;
  for (const node of all) {
    if (node.type !== 'column_ref' && typeof node.table === 'string') {
      const table = node.table.toLowerCase();
      if (SIDE_CHANNELS.has(table)) return `${table} shows column values`;
      if (catalog.views.has(table)) return `${table} is a view, which may be built on a masked column: select from its tables instead`;
      if (catalog.tables.has(table)) touchesMasked = true;
    }
    if (node.type === 'function' && catalog.routines.has(functionName(node))) return `${functionName(node)}() could read masked columns where the gateway cannot mask them`;
  }
  // The server's own error messages show a failing row's or key's values (duplicate keys, truncation).
  if (touchesMasked && WRITES.has(type)) return 'a write to a table with masked columns could show their values in an error message';
  const allowed = outputColumns(ast);
  // An output name given to a masked column orders, groups or filters by it just the same (`email AS id … ORDER BY id`).
  const maskedAliases = new Set<string>();
  for (const item of (Array.isArray(ast.columns) ? ast.columns : []) as { expr?: Node; as?: unknown }[]) {
    if (item.expr?.type === 'column_ref' && typeof item.as === 'string' && catalog.columnNames.has(columnName(item.expr))) maskedAliases.add(item.as.toLowerCase());
  }
  for (const node of all) {
    const wide = touchesMasked ? tableWideProblem(node) : undefined;
    if (wide !== undefined) return wide;
    if (node.type !== 'column_ref' || allowed.has(node)) continue;
    const name = columnName(node);
    if (touchesMasked && name === '*') return '* is only allowed in the select list of a simple SELECT, where masked columns are masked';
    // A masked column's name is held to the rules whatever table the grammar saw it come from.
    if (maskedAliases.has(name)) return `${name} names a masked column: it may not order, group or filter`;
    if (catalog.columnNames.has(name)) return `masked column ${name} may only be selected as it is (not in an expression, condition, ordering, subquery, set operation or variable)`;
  }
  return undefined;
}

/**
 * Whether a query string may run on the MySQL wire for a level that sees masked columns masked, decided on its
 * parse trees (`asts`, undefined when it does not parse): undefined when the gateway can mask every masked value
 * its results carry (a masked column selected as it is, or by `*`, in a simple SELECT, masked by its result
 * column's origin), otherwise the refusal. Anything it cannot follow (a derived output, a view, a stored routine,
 * a side channel, text the grammar cannot read) is refused: nothing masked leaks.
 */
export function mysqlMaskingRefusal(catalog: MysqlMaskingCatalog, asts: readonly Node[] | undefined): Refusal | undefined {
  const problem = (index: number, reason: string): Refusal => ({ guard: 'masking', index, message: `refused by the gateway's masking: ${reason}`, parameters: 0 });
  if (asts === undefined) return problem(0, UNPARSED);
  for (const [index, ast] of asts.entries()) {
    const reason = statementProblem(catalog, ast);
    if (reason !== undefined) return problem(index, reason);
  }
  return undefined;
}
