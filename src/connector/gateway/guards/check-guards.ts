import { kindOf, parsePostgresTree } from '../parse-statements';
import type { Guard } from './guard-schema';

/** Why a statement was refused: the guard (or `masking`), and a message for the requester naming it. */
export interface Refusal {
  guard: Guard | 'masking';
  /** Which statement of the query string (0-based) was refused. */
  index: number;
  message: string;
  /** The highest `$n` the text refers to (0 when none, or when it does not parse). */
  parameters: number;
}

export type Node = Record<string, unknown>;

export const UNPARSED = 'the statement does not parse, so it cannot be checked';

/** Every node of a parse tree, with the key it sits under (`DeleteStmt`, `FuncCall`, …), in one walk. */
export function nodes(value: unknown, key = ''): [string, Node][] {
  const found: [string, Node][] = [];
  const walk = (item: unknown, under: string): void => {
    if (Array.isArray(item)) {
      for (const element of item) walk(element, under);
      return;
    }
    if (item === null || typeof item !== 'object') return;
    const node = item as Node;
    found.push([under, node]);
    for (const child in node) walk(node[child], child);
  };
  walk(value, key);
  return found;
}

/** Statements whose effect the parser cannot see (their body is code run by the server): every guard refuses them. */
const OPAQUE = new Set(['DoStmt', 'CallStmt']);
const DATA_WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
/** What a read-only level may run at the top: reads and the session's own housekeeping. */
const READ_ONLY_TOP = new Set([
  'SelectStmt', 'ExplainStmt', 'VariableShowStmt', 'VariableSetStmt', 'TransactionStmt', 'DeclareCursorStmt', 'FetchStmt',
  'ClosePortalStmt', 'PrepareStmt', 'ExecuteStmt', 'DeallocateStmt', 'CopyStmt', 'DiscardStmt',
]);
/** Settings that would lift the database's read-only transaction mode the gateway sets for a read-only level. */
const READ_ONLY_SETTINGS = new Set(['default_transaction_read_only', 'transaction_read_only']);
/** Functions that write or change settings while looking like a read (dblink reaches the database on a session of its own). */
const WRITING_FUNCTIONS = new Set(['set_config', 'nextval', 'setval', 'dblink', 'dblink_exec', 'dblink_send_query', 'lo_import', 'lo_unlink', 'lo_put', 'lo_create', 'lo_from_bytea']);

/** `DeleteStmt` -> `DELETE`, for messages. */
function label(type: string): string {
  return type.replace(/Stmt$/, '').toUpperCase();
}

function funcName(node: Node): string {
  const parts = (node.funcname ?? []) as { String?: { sval?: string } }[];
  return (parts.at(-1)?.String?.sval ?? '').toLowerCase();
}

/** `transaction_read_only` options of BEGIN / SET TRANSACTION / SET SESSION CHARACTERISTICS that ask for READ WRITE. */
function asksReadWrite(node: Node): boolean {
  if (node.defname !== 'transaction_read_only') return false;
  const value = (node.arg as { A_Const?: { ival?: { ival?: number } } } | undefined)?.A_Const?.ival?.ival;
  return value !== 1;
}

function readOnlyProblem(type: string, body: Node, all: [string, Node][]): string | undefined {
  if (!READ_ONLY_TOP.has(type)) return `${label(type)} is not a read`;
  if (type === 'CopyStmt' && body.is_from) return 'COPY FROM writes';
  if (type === 'CopyStmt' && body.filename !== undefined) return 'COPY to a server file or program writes on the server';
  if (type === 'SelectStmt' && body.intoClause) return 'SELECT INTO creates a table';
  if (type === 'VariableSetStmt' && READ_ONLY_SETTINGS.has(String(body.name ?? '').toLowerCase())) return 'the read-only mode cannot be changed';
  for (const [key, node] of all) {
    if (DATA_WRITES.has(key)) return `it contains ${label(key)}`;
    if (key === 'SelectStmt' && node.intoClause) return 'SELECT INTO creates a table';
    if (key === 'LockingClause') return 'FOR UPDATE/SHARE locks rows';
    if (key === 'FuncCall' && WRITING_FUNCTIONS.has(funcName(node))) return `${funcName(node)}() writes or changes settings`;
    if (key === 'DefElem' && asksReadWrite(node)) return 'READ WRITE transactions are not allowed';
    if (OPAQUE.has(key) || (key !== type && key.endsWith('Stmt') && !READ_ONLY_TOP.has(key))) return `it contains ${label(key)}`;
  }
  return undefined;
}

function dropProblem(_type: string, _body: Node, all: [string, Node][]): string | undefined {
  for (const [key, node] of all) {
    if (key.startsWith('Drop') && key.endsWith('Stmt')) return 'DROP is not allowed';
    if (key === 'TruncateStmt') return 'TRUNCATE is not allowed';
    if (key === 'AlterTableCmd' && String(node.subtype ?? '').startsWith('AT_Drop')) return 'ALTER … DROP is not allowed';
  }
  return undefined;
}

function unqualifiedWriteProblem(_type: string, _body: Node, all: [string, Node][]): string | undefined {
  for (const [key, node] of all) {
    if ((key === 'UpdateStmt' || key === 'DeleteStmt') && node.whereClause === undefined) return `${key === 'UpdateStmt' ? 'UPDATE' : 'DELETE'} without WHERE`;
    if (key === 'TruncateStmt') return 'TRUNCATE empties whole tables';
  }
  return undefined;
}

function ddlProblem(type: string, body: Node): string | undefined {
  return kindOf(type, body) === 'ddl' ? 'schema and privilege changes are not allowed' : undefined;
}

const CHECKS: Record<Guard, (type: string, body: Node, all: [string, Node][]) => string | undefined> = {
  'read-only': readOnlyProblem,
  'no-ddl': ddlProblem,
  'no-drop': dropProblem,
  'no-unqualified-write': unqualifiedWriteProblem,
};

export function refusal(guard: Guard | 'masking', index: number, reason: string, tree?: unknown): Refusal {
  let parameters = 0;
  for (const [key, node] of nodes(tree)) if (key === 'ParamRef' && typeof node.number === 'number') parameters = Math.max(parameters, node.number);
  return { guard, index, message: `refused by the gateway's ${guard} guard: ${reason}`, parameters };
}

/**
 * Decides, with PostgreSQL's own grammar, whether the level's guards let a query string through; undefined when
 * they do. One refused statement refuses the whole string (none of it runs). Fails closed: text the parser
 * cannot read, and code it cannot see into (DO, CALL), are refused by any guard.
 */
export function checkGuards(guards: readonly Guard[], sql: string): Refusal | undefined {
  const first = guards[0];
  if (first === undefined || sql.trim() === '') return undefined;
  const tree = parsePostgresTree(sql);
  if (tree === undefined) return refusal(first, 0, UNPARSED);
  const statements = tree.stmts ?? [];
  for (const [index, statement] of statements.entries()) {
    const [type, body] = Object.entries(statement.stmt ?? {})[0] ?? ['', {}];
    const node = body as Node;
    const all = nodes(node, type);
    for (const [key] of all) if (OPAQUE.has(key)) return refusal(first, index, `${key === 'DoStmt' ? 'DO' : 'CALL'} runs code the gateway cannot check`, tree);
    for (const guard of guards) {
      const problem = CHECKS[guard](type, node, all);
      if (problem !== undefined) return refusal(guard, index, problem, tree);
    }
  }
  return undefined;
}
