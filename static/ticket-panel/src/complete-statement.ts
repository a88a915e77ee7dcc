import type { ResolverResult } from '../../../src/app/resolvers/contracts';

export type Schema = ResolverResult<'getSchema'>;
export type Engine = 'postgres' | 'mysql' | 'pglite';

/** At most this many completions are offered at once. */
const MAX_COMPLETIONS = 8;

/** A name as the statement must spell it: quoted only when the engine would otherwise read it differently. */
export function quoteName(name: string, engine: Engine): string {
  if (engine === 'mysql') return /^[A-Za-z0-9_$]+$/.test(name) && !/^\d+$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** How the statement names a table: unqualified in the schema (or database) unqualified names resolve to. */
export function tableName(table: { schema: string; name: string }, schema: Schema, engine: Engine): string {
  const name = quoteName(table.name, engine);
  return table.schema === schema.defaultSchema ? name : `${quoteName(table.schema, engine)}.${name}`;
}

export interface Completion {
  /** The name as offered. */
  label: string;
  /** The statement with the word being typed completed. */
  statement: string;
  masked: boolean;
}

/**
 * Completions of the word at the end of the statement: after `table.` (or `schema.`), that table's columns (or that
 * schema's tables); otherwise the tables, and the columns of the tables the statement names, that start with it.
 */
export function completeStatement(sql: string, schema: Schema, engine: Engine): Completion[] {
  const typed = /(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)?$/.exec(sql);
  const qualifier = typed?.[1];
  const word = typed?.[2] ?? '';
  if (!qualifier && word === '') return [];
  const head = sql.slice(0, sql.length - word.length);
  const starts = (name: string) => name.toLowerCase().startsWith(word.toLowerCase()) && name !== word;
  const offer = (label: string, insert: string, masked = false): Completion => ({ label, statement: head + insert, masked });
  let offers: Completion[];
  if (qualifier) {
    const same = (name: string) => name.toLowerCase() === qualifier.toLowerCase();
    offers = [
      ...schema.tables.filter((table) => same(table.name)).flatMap((table) => table.columns.filter((column) => starts(column.name)).map((column) => offer(column.name, quoteName(column.name, engine), column.masked !== null))),
      ...schema.tables.filter((table) => same(table.schema) && starts(table.name)).map((table) => offer(table.name, quoteName(table.name, engine))),
    ];
  } else {
    const named = schema.tables.filter((table) => new RegExp(`\\b${table.name.replace(/[^\w$]/g, '\\$&')}\\b`, 'i').test(head));
    offers = [
      ...schema.tables.filter((table) => starts(table.name)).map((table) => offer(tableName(table, schema, engine), tableName(table, schema, engine))),
      ...named.flatMap((table) => table.columns.filter((column) => starts(column.name)).map((column) => offer(column.name, quoteName(column.name, engine), column.masked !== null))),
    ];
  }
  const seen = new Set<string>();
  return offers.filter((completion) => !seen.has(completion.label) && seen.add(completion.label)).slice(0, MAX_COMPLETIONS);
}
