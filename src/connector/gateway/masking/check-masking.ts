import { nodes, refusal, UNPARSED, type Node, type Refusal } from '../guards/check-guards';
import { kindOf, parsePostgresTree } from '../parse-statements';
import type { MaskingCatalog } from './masking-catalog';

/** Catalog views that show column values (most common values, histograms) whatever masking the gateway does. */
const SIDE_CHANNELS = new Set(['pg_stats', 'pg_statistic', 'pg_stats_ext', 'pg_stats_ext_exprs', 'pg_statistic_ext_data']);
/** Built-in functions that run a query or read a table given as text, where no parse tree shows what they read. */
const QUERY_RUNNERS = new Set([
  'query_to_xml', 'query_to_xml_and_xmlschema', 'query_to_xmlschema', 'table_to_xml', 'table_to_xml_and_xmlschema', 'table_to_xmlschema',
  'cursor_to_xml', 'cursor_to_xmlschema', 'schema_to_xml', 'schema_to_xml_and_xmlschema', 'schema_to_xmlschema', 'database_to_xml',
  'database_to_xml_and_xmlschema', 'database_to_xmlschema', 'ts_stat',
]);
const RELATION_KEYS = new Set(['RangeVar', 'relation', 'rel']);
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

function lastName(list: unknown): string {
  const parts = (list ?? []) as { String?: { sval?: string } }[];
  return parts.at(-1)?.String?.sval ?? '';
}

/** The plain column references of a simple top-level SELECT's list: the only place a masked column may appear. */
function outputColumns(type: string, body: Node): Set<unknown> {
  const allowed = new Set<unknown>();
  if (type !== 'SelectStmt' || (body.op !== undefined && body.op !== 'SETOP_NONE')) return allowed;
  for (const item of (body.targetList ?? []) as { ResTarget?: { val?: { ColumnRef?: unknown } } }[]) {
    const ref = item.ResTarget?.val?.ColumnRef;
    if (ref !== undefined) allowed.add(ref);
  }
  return allowed;
}

function statementProblem(catalog: MaskingCatalog, type: string, body: Node): string | undefined {
  if (type === 'DoStmt' || type === 'CallStmt' || kindOf(type, body) === 'ddl') {
    return 'a level with masked columns cannot create or change objects, or run DO or CALL';
  }
  const names = new Set<string>();
  let touchesMasked = false;
  const all = nodes(body, type);
  for (const [key, node] of all) {
    if (RELATION_KEYS.has(key) && typeof node.relname === 'string') {
      if (SIDE_CHANNELS.has(node.relname)) return `${node.relname} shows column values`;
      if (catalog.views.has(node.relname)) return `${node.relname} is built on a masked column: select from its tables instead`;
      if (catalog.tables.has(node.relname)) touchesMasked = true;
      names.add(node.relname);
      const alias = (node.alias as { aliasname?: string } | undefined)?.aliasname;
      if (alias !== undefined) names.add(alias);
    }
    if (key === 'RangeSubselect' || key === 'RangeFunction' || key === 'JoinExpr') {
      const alias = (node.alias as { aliasname?: string } | undefined)?.aliasname;
      if (alias !== undefined) names.add(alias);
    }
    if (key === 'FuncCall') {
      const name = lastName(node.funcname);
      if (QUERY_RUNNERS.has(name) || catalog.functions.has(name)) return `${name}() could read masked columns where the gateway cannot mask them`;
    }
  }
  if (!touchesMasked) return undefined;
  if (type === 'CopyStmt') return 'COPY cannot mask its rows: select the columns instead';
  for (const [key, node] of all) {
    // The server's own error messages show a failing row's or key's values (check, not-null and unique violations).
    if (WRITES.has(key)) return 'a write to a table with masked columns could show their values in an error message';
    if (key === 'JoinExpr' && node.isNatural === true) return 'a NATURAL JOIN could match on a masked column';
    if (key === 'JoinExpr' && ((node.usingClause ?? []) as { String?: { sval?: string } }[]).some((item) => catalog.columnNames.has(item.String?.sval ?? ''))) {
      return 'a JOIN … USING a masked column could reveal its values';
    }
  }
  const allowed = outputColumns(type, body);
  for (const clause of ['sortClause', 'groupClause', 'distinctClause']) {
    for (const [key] of nodes(body[clause], clause)) if (key === 'A_Const') return 'ordering or grouping by position could reveal masked values';
  }
  for (const [key, node] of all) {
    if (key !== 'ColumnRef') continue;
    const fields = (node.fields ?? []) as { String?: { sval?: string }; A_Star?: unknown }[];
    const name = lastName(fields);
    // A lone name that is no column is the row of the table or alias of that name (PostgreSQL tries columns first).
    if (fields.length === 1 && names.has(name) && !catalog.columnNames.has(name)) return `the whole-row reference ${name} would show masked columns`;
    if (allowed.has(node)) continue;
    if (fields.some((field) => field.A_Star !== undefined)) return '* is only allowed in the select list of a simple SELECT, where masked columns are masked';
    if (catalog.columnNames.has(name)) {
      return `masked column ${name} may only be selected as it is (not in an expression, condition, ordering, subquery, set operation or write)`;
    }
  }
  return undefined;
}

/**
 * Whether a statement may run for a level that sees masked columns masked: undefined when the gateway can mask
 * every masked value its results carry (a masked column selected as it is, or by `*`, in a simple SELECT, masked
 * by its result column's origin), otherwise the refusal. Anything it cannot follow (a derived output, a view or
 * function over masked data, a side channel, text that does not parse) is refused: nothing masked leaks.
 */
export function checkMasking(catalog: MaskingCatalog, sql: string): Refusal | undefined {
  if (sql.trim() === '') return undefined;
  const tree = parsePostgresTree(sql);
  if (tree === undefined) return refusal('masking', 0, UNPARSED);
  for (const [index, statement] of (tree.stmts ?? []).entries()) {
    const [type, body] = Object.entries(statement.stmt ?? {})[0] ?? ['', {}];
    const problem = statementProblem(catalog, type, body as Node);
    if (problem !== undefined) return { ...refusal('masking', index, problem, tree), message: `refused by the gateway's masking: ${problem}` };
  }
  return undefined;
}
