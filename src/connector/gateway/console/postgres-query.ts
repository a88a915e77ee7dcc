import { Client, Query, types, type FieldDef, type QueryArrayConfig } from 'pg';
import type { QueryResult } from '../../../protocol';
import { RowCollector, StatementRefused } from './query-result';

const TYPE_NAMES = new Map(Object.entries(types.builtins).map(([name, oid]) => [oid, name.toLowerCase()]));
/** Every value as PostgreSQL's text form: nothing is converted (or rounded) on the way to the console. */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * Runs one statement as the grant's login on a connection of its own, streaming its rows: the first
 * MAX_QUERY_ROWS are kept and the rest only counted, so a large result never sits in memory and a write
 * returning many rows still completes. Throws StatementRefused with the server's SQLSTATE.
 */
export async function runPostgresQuery(targetUrl: string, login: { username: string; password: string; database: string }, sql: string): Promise<Omit<QueryResult, 'ms'>> {
  const url = new URL(targetUrl);
  url.username = encodeURIComponent(login.username);
  url.password = encodeURIComponent(login.password);
  url.pathname = `/${encodeURIComponent(login.database)}`;
  const client = new Client({ connectionString: url.toString(), application_name: 'jit-console', types: AS_TEXT });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const collector = new RowCollector();
    const config: QueryArrayConfig = { text: sql, rowMode: 'array', types: AS_TEXT };
    const query = new Query(config);
    query.on('row', (row: (string | null)[]) => collector.add(row));
    const result = await new Promise<{ rowCount: number | null; fields: FieldDef[] }>((resolve, reject) => {
      query.on('end', (end: { rowCount: number | null; fields: FieldDef[] }) => resolve(end));
      query.on('error', (error: Error & { code?: string }) => reject(new StatementRefused(error.code ?? 'XX000', error.message)));
      client.query(query);
    });
    const { fields } = result;
    return {
      columns: fields.map((field) => ({ name: field.name, type: TYPE_NAMES.get(field.dataTypeID) ?? `oid ${field.dataTypeID}` })),
      rows: collector.rows,
      rowCount: fields.length > 0 ? collector.count : result.rowCount,
      truncated: collector.truncated,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
