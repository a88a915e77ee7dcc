import { functionName, objects, type Node } from '../parse-mysql-statements';
import { UNPARSED, type Refusal } from './check-guards';
import type { Guard } from './guard-schema';

/**
 * Statement types whose effect the guards can read from node-sql-parser's tree. Anything else (CALL, and what the
 * grammar does not know: DO, HANDLER, PREPARE/EXECUTE, SET TRANSACTION, SET NAMES…) is refused by every guard.
 */
const UNDERSTOOD = new Set(['select', 'insert', 'replace', 'update', 'delete', 'truncate', 'load_data', 'create', 'alter', 'drop', 'rename', 'grant', 'revoke', 'show', 'desc', 'describe', 'explain', 'set', 'use', 'transaction', 'lock', 'unlock']);
const DDL = new Set(['create', 'alter', 'drop', 'rename', 'grant', 'revoke', 'truncate']);
/** What a read-only level may run: reads and the session's own housekeeping (SET is checked further). */
const READ_ONLY = new Set(['select', 'show', 'desc', 'describe', 'explain', 'set', 'use', 'transaction']);
/**
 * Settings that would lift the database's read-only transaction mode the gateway sets for a read-only level (the
 * other way to it, `SET SESSION TRANSACTION READ WRITE`, does not parse and is refused as such).
 */
const READ_ONLY_SETTINGS = new Set(['transaction_read_only', 'tx_read_only']);
/**
 * Settings that change how the server reads text: `NO_BACKSLASH_ESCAPES`, `ANSI_QUOTES` in `sql_mode`, and the
 * character set it decodes the gateway's UTF-8 with (in GBK or Big5 a byte before `\` joins it, and a quote the
 * grammar saw escaped ends the string). Under them the grammar would read a string where the server reads a
 * statement or a column. The gateway clears those modes when a guarded or masked session opens (the character set
 * is its own, utf8mb4), and every guard and masking refuse a change to them (`SET NAMES` does not parse).
 */
const LEXICAL_SETTINGS = new Set(['sql_mode', 'character_set_client', 'character_set_connection']);

/** Why the grammar's reading of a SET could stop matching the server's, or undefined. */
export function lexicalProblem(ast: Node): string | undefined {
  if (String(ast.type ?? '').toLowerCase() !== 'set') return undefined;
  for (const assign of (ast.expr ?? []) as Node[]) {
    const name = systemVariable(assign) ?? '';
    if (LEXICAL_SETTINGS.has(name)) return `${name} cannot be changed (it changes how statements are read)`;
  }
  return undefined;
}

/** Functions that write while looking like a read (MariaDB sequences). */
const WRITING_FUNCTIONS = new Set(['nextval', 'setval', 'lastval']);

/** The system variable a SET assigns (`@@session.x`, `SESSION x`, `x`), or undefined for a user variable (`@x`). */
function systemVariable(assign: Node): string | undefined {
  const left = (assign.left ?? {}) as { name?: unknown; members?: unknown[]; prefix?: unknown };
  if (left.prefix === '@') return undefined;
  const scoped = ['session', 'global', 'local', 'persist', 'persist_only'].includes(String(left.name).toLowerCase());
  return String((scoped ? left.members?.at(-1) : left.name) ?? '').toLowerCase();
}

function readOnlyProblem(type: string, ast: Node, all: Node[]): string | undefined {
  if (!READ_ONLY.has(type)) return `${type.toUpperCase().replace('_', ' ')} is not a read`;
  if (type === 'explain' && String((ast.expr as Node | undefined)?.type ?? '') !== 'select') return 'EXPLAIN of anything but SELECT is not allowed';
  if (type === 'set') {
    if (ast.keyword !== null && String(ast.keyword).toLowerCase() !== 'session') return 'only session settings may be changed';
    for (const assign of (ast.expr ?? []) as Node[]) {
      if (READ_ONLY_SETTINGS.has(systemVariable(assign) ?? '')) return 'the read-only mode cannot be changed';
    }
  }
  if (type === 'transaction') {
    const modes = ((ast.expr as { modes?: { value?: unknown }[] | null } | undefined)?.modes ?? []) as { value?: unknown }[];
    if (modes.some((mode) => String(mode.value).toLowerCase().includes('write'))) return 'READ WRITE transactions are not allowed';
  }
  for (const node of all) {
    const into = node.into as { keyword?: unknown } | undefined;
    if (node.type === 'select' && into?.keyword !== undefined && into.keyword !== null) {
      if (String(into.keyword).toLowerCase() !== 'var') return `SELECT … INTO ${String(into.keyword).toUpperCase()} writes on the server`;
    }
    if (typeof node.locking_read === 'string' && node.locking_read !== '') return `${node.locking_read} locks rows`;
    if (node.type === 'function' && WRITING_FUNCTIONS.has(functionName(node))) return `${functionName(node)}() writes`;
  }
  return undefined;
}

function ddlProblem(type: string): string | undefined {
  return DDL.has(type) && type !== 'truncate' ? 'schema and privilege changes are not allowed' : undefined;
}

function dropProblem(type: string, ast: Node): string | undefined {
  if (type === 'drop') return 'DROP is not allowed';
  if (type === 'truncate') return 'TRUNCATE is not allowed';
  if (type === 'alter' && ((ast.expr ?? []) as Node[]).some((action) => String(action.action).toLowerCase() === 'drop')) return 'ALTER … DROP is not allowed';
  return undefined;
}

function unqualifiedWriteProblem(type: string, ast: Node): string | undefined {
  if ((type === 'update' || type === 'delete') && (ast.where === null || ast.where === undefined)) return `${type.toUpperCase()} without WHERE`;
  if (type === 'truncate') return 'TRUNCATE empties whole tables';
  return undefined;
}

const CHECKS: Record<Guard, (type: string, ast: Node, all: Node[]) => string | undefined> = {
  'read-only': readOnlyProblem,
  'no-ddl': ddlProblem,
  'no-drop': dropProblem,
  'no-unqualified-write': unqualifiedWriteProblem,
};

function refused(guard: Guard, index: number, reason: string): Refusal {
  return { guard, index, message: `refused by the gateway's ${guard} guard: ${reason}`, parameters: 0 };
}

/**
 * Decides, on node-sql-parser's MySQL/MariaDB trees of a query string, whether the level's guards let it through;
 * undefined when they do. One refused statement refuses the whole string (none of it runs). Fails closed: text the
 * grammar cannot read (`asts` undefined: executable comments included) and statement types it does not understand
 * are refused.
 */
export function mysqlGuardRefusal(guards: readonly Guard[], asts: readonly Node[] | undefined): Refusal | undefined {
  const first = guards[0];
  if (first === undefined) return undefined;
  if (asts === undefined) return refused(first, 0, UNPARSED);
  for (const [index, ast] of asts.entries()) {
    const type = String(ast.type ?? '').toLowerCase();
    if (!UNDERSTOOD.has(type)) return refused(first, index, `${type === 'call' ? 'CALL runs code' : `${type.toUpperCase()} is a statement`} the gateway cannot check`);
    const lexical = lexicalProblem(ast);
    if (lexical !== undefined) return refused(first, index, lexical);
    const all = objects(ast);
    for (const guard of guards) {
      const problem = CHECKS[guard](type, ast, all);
      if (problem !== undefined) return refused(guard, index, problem);
    }
  }
  return undefined;
}
