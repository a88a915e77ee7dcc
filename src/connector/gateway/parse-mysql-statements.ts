import { Parser as MariaDbParser } from 'node-sql-parser/build/mariadb.js';
import { Parser as MySqlParser } from 'node-sql-parser/build/mysql.js';
import type { Refusal } from './guards/check-guards';
import type { ParsedStatement } from './statement-pipeline';
import type { StatementKind } from './statement-record';
import { integerShape } from './integer-shape';
import { TextCache } from './text-cache';

/** node-sql-parser's MySQL grammar first, then its MariaDB one (each knows syntax the other does not). */
const GRAMMARS = [
  { parser: new MySqlParser(), option: { database: 'MySQL' } },
  { parser: new MariaDbParser(), option: { database: 'MariaDB' } },
];

/** AST node types that hold a literal value; each becomes a `?` placeholder in the normalized text. */
const LITERALS = new Set([
  'number',
  'bigint',
  'string',
  'single_quote_string',
  'double_quote_string',
  'natural_string',
  'hex_string',
  'full_hex_string',
  'bit_string',
  'bool',
  'boolean',
  'date',
  'datetime',
  'time',
  'timestamp',
  'regex_string',
  'var_string',
]);

/**
 * Splits a MySQL/MariaDB query string into its statements and classifies each. Undefined when the text does not
 * parse: nothing of it can be recorded without its literals, so the record keeps no text for it.
 */
export function parseMysqlStatements(sql: string): readonly ParsedStatement[] | undefined {
  return readMysqlStatements(sql, undefined).statements;
}

/** Decides on a query string's parse trees (undefined when it does not parse) whether it may run; undefined when it may. */
export type MysqlScreen = (asts: readonly Node[] | undefined) => Refusal | undefined;

export interface MysqlReading {
  statements: readonly ParsedStatement[] | undefined;
  refusal: Refusal | undefined;
}

/** Readings of recent texts, per screen (a session's level), and one set for texts read without a screen. */
const unscreened = new TextCache<MysqlReading>(256, 4096, { secondSight: true });
const screened = new WeakMap<MysqlScreen, TextCache<MysqlReading>>();
/**
 * Readings of single statements by their integer shape, for texts read without a screen: a client's statement sent
 * again with other numbers is not parsed again (a screen may weigh a number's value, so screened texts always are).
 * Null: the shape's first text was not one statement the grammar read.
 */
const shapes = new TextCache<ParsedStatement | null>(256, 4096, { secondSight: true });

/**
 * parseMysqlStatements, with the level's checks (`screen`) run on the same parse before the statements are
 * rendered for the record (one parse of the text for both). A text read before with the same screen is not parsed
 * again.
 */
export function readMysqlStatements(sql: string, screen: MysqlScreen | undefined): MysqlReading {
  if (sql.trim() === '') return { statements: [], refusal: undefined };
  const shape = screen === undefined ? integerShape(sql) : undefined;
  if (shape !== undefined) {
    let reading: MysqlReading | undefined;
    const statement = shapes.get(shape, () => {
      reading = readOnce(sql, undefined);
      return reading.statements?.length === 1 ? (reading.statements[0] as ParsedStatement) : null;
    });
    if (reading !== undefined) return reading;
    // The statement's own text is this one's, literals included, as a single statement's always is.
    if (statement !== null) return Object.freeze({ statements: Object.freeze([Object.freeze({ ...statement, text: ownText(sql) })]), refusal: undefined });
  }
  let cache = screen === undefined ? unscreened : screened.get(screen);
  if (cache === undefined) {
    cache = new TextCache<MysqlReading>(256, 4096, { secondSight: true });
    screened.set(screen as MysqlScreen, cache);
  }
  return cache.get(sql, (text) => readOnce(text, screen));
}

function readOnce(sql: string, screen: MysqlScreen | undefined): MysqlReading {
  const parsed = parseMysqlTrees(sql);
  const refusal = screen?.(parsed?.asts);
  if (parsed === undefined) return Object.freeze({ statements: undefined, refusal });
  const { parser, option, asts, tableList } = parsed;
  if (asts.length === 1) {
    const [ast] = asts as [Node];
    return Object.freeze({ statements: Object.freeze([statementOf(parser, option, ast, ownText(sql), tableList)]), refusal });
  }
  // Each statement of a multi-statement string is named by the grammar's own rendering of it.
  const statements = asts.map((ast) => {
    const text = parser.sqlify(ast as never, option);
    return statementOf(parser, option, ast, text, parser.tableList(text, option));
  });
  return Object.freeze({ statements: Object.freeze(statements), refusal });
}

/**
 * The parse trees of a query string's statements, as node-sql-parser reads them, with the grammar that read them;
 * undefined when the text does not parse, or when the server would run more (or other) than the trees show.
 */
export function parseMysqlTrees(sql: string): { parser: MySqlParser; option: { database: string }; asts: Node[]; tableList: string[] } | undefined {
  // The server runs what an executable comment holds (`/*! … */`, MariaDB's `/*M! … */`), which the grammar
  // skips as a comment: read that way, `SELECT 1 /*! UNION SELECT … */` would be recorded as less than it does.
  if (EXECUTABLE_COMMENT.test(sql)) return undefined;
  // The server reads `--` as a comment only before a space or control character, the grammar before anything:
  // read that way, `SELECT 1 --1; DELETE …` would hide a statement the server runs. A NUL byte is read apart too.
  if (hasMisreadDashes(sql) || sql.includes('\0')) return undefined;
  for (const { parser, option } of GRAMMARS) {
    let parsed: ReturnType<MySqlParser['parse']>;
    try {
      parsed = parser.parse(sql, option);
    } catch {
      continue;
    }
    const asts = (Array.isArray(parsed.ast) ? parsed.ast : [parsed.ast]) as unknown as Node[];
    if (asts.some(hasNumericName)) return undefined;
    return { parser, option, asts, tableList: parsed.tableList };
  }
  return undefined;
}

export type Node = Record<string, unknown>;

/** Every object of a syntax tree, in one walk. */
export function objects(value: unknown): Node[] {
  const found: Node[] = [];
  const walk = (item: unknown): void => {
    if (Array.isArray(item)) {
      for (const element of item) walk(element);
      return;
    }
    if (item === null || typeof item !== 'object') return;
    const node = item as Node;
    found.push(node);
    for (const key in node) walk(node[key]);
  };
  walk(value);
  return found;
}

/** The lower-case name of a function call node (the last part of a qualified name). */
export function functionName(node: Node): string {
  const parts = ((node.name as { name?: { value?: unknown }[] } | undefined)?.name ?? []) as { value?: unknown }[];
  return String(parts.at(-1)?.value ?? '').toLowerCase();
}

const EXECUTABLE_COMMENT = /\/\*M?!/;

/** `--` followed by anything but an ASCII space or control character (a Unicode space is none to the server). */
function hasMisreadDashes(sql: string): boolean {
  for (let at = sql.indexOf('--'); at !== -1; at = sql.indexOf('--', at + 1)) {
    const next = sql.charCodeAt(at + 2);
    if (!Number.isNaN(next) && next > 0x20 && next !== 0x7f) return true;
  }
  return false;
}

/**
 * The grammar reads some numbers as column names (`1e5`); MySQL reads them as numbers. A name that starts with a
 * digit may be such a literal, so the statement is not recorded from this reading.
 */
function hasNumericName(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNumericName);
  if (value === null || typeof value !== 'object') return false;
  const node = value as Node;
  if (node.type === 'column_ref' && typeof node.column === 'string' && /^\d/.test(node.column)) return true;
  return Object.values(node).some(hasNumericName);
}

/** A single statement's text: the query string without the space around it and a final semicolon. */
function ownText(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

function statementOf(parser: MySqlParser, option: { database: string }, ast: Node, text: string, tableList: string[]): ParsedStatement {
  return Object.freeze({ kind: kindOf(ast), tables: Object.freeze(tablesOf(tableList)) as string[], text, normalized: parser.sqlify(withPlaceholders(ast) as never, option) });
}

const DDL = new Set(['create', 'alter', 'drop', 'rename', 'grant', 'revoke']);
const WRITES = new Set(['insert', 'replace', 'update', 'delete', 'truncate', 'load_data']);
const READS = new Set(['select', 'show', 'desc', 'describe', 'explain']);

function kindOf(ast: Node): StatementKind {
  const type = String(ast.type ?? '').toLowerCase();
  if (WRITES.has(type)) return 'write';
  if (DDL.has(type)) return 'ddl';
  if (READS.has(type)) return 'read';
  return 'other';
}

/** tableList entries are `kind::database::table`; `null` stands for a part the statement did not name. */
function tablesOf(tableList: string[]): string[] {
  const tables = new Set<string>();
  for (const entry of tableList) {
    const [, database, table] = entry.split('::');
    if (table === undefined || table === 'null') continue;
    tables.add(database && database !== 'null' ? `${database}.${table}` : table);
  }
  return [...tables].sort();
}

/** Replaces every literal node of the tree, in place, by a `?` placeholder (the tree is not used after this). */
function withPlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      value[index] = withPlaceholders(item);
    });
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const node = value as Node;
  if (typeof node.type === 'string' && LITERALS.has(node.type)) return { type: 'origin', value: '?' };
  for (const [key, inner] of Object.entries(node)) node[key] = withPlaceholders(inner);
  return node;
}
