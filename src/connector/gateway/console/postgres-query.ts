import { Query, types, type FieldDef, type QueryArrayConfig } from 'pg';
import type { QueryResult } from '../../../protocol';
import { checkMasking } from '../masking/check-masking';
import type { MaskingConfig } from '../masking/mask-schema';
import { maskValue } from '../masking/mask-value';
import { loadMaskingCatalog, type MaskingCatalog } from '../masking/masking-catalog';
import { openPostgresLogin } from './postgres-login';
import { RowCollector, StatementBlocked, StatementRefused } from './query-result';

const TYPE_NAMES = new Map(Object.entries(types.builtins).map(([name, oid]) => [oid, name.toLowerCase()]));
/** Every value as PostgreSQL's text form: nothing is converted (or rounded) on the way to the console. */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/** What the level's guards and masking ask of the console's session (its guards are checked before it opens). */
export interface ConsoleLevel {
  /** The session runs in the database's read-only transaction mode (a read-only level). */
  readOnly: boolean;
  /** The target's masked columns, for a level without `unmasked`, and the key of the `hash` mask. */
  masking: { config: MaskingConfig; hashKey: Buffer } | undefined;
}

/**
 * Runs one statement as the grant's login on a connection of its own, streaming its rows: the first
 * MAX_QUERY_ROWS are kept and the rest only counted, so a large result never sits in memory and a write
 * returning many rows still completes. A masked level's statement is checked as the PostgreSQL wire checks it
 * (StatementBlocked when refused) and its masked columns masked by each result column's origin, as on the wire.
 * Throws StatementRefused with the server's SQLSTATE.
 */
export async function runPostgresQuery(targetUrl: string, login: { username: string; password: string; database: string }, sql: string, level: ConsoleLevel): Promise<Omit<QueryResult, 'ms' | 'exportable'>> {
  const client = await openPostgresLogin(targetUrl, login, level.readOnly);
  try {
    const { masking } = level;
    let catalog: MaskingCatalog | undefined;
    if (masking) {
      catalog = await loadMaskingCatalog(client, masking.config);
      const refusal = checkMasking(catalog, sql);
      if (refusal) throw new StatementBlocked(refusal);
    }
    const collector = new RowCollector();
    const config: QueryArrayConfig = { text: sql, rowMode: 'array', types: AS_TEXT };
    const query = new Query(config);
    // Decided once the row description is known: each result column masked by where it comes from.
    let masks: ColumnMask[] | undefined;
    query.on('row', (row: (string | null)[], result?: { fields: FieldDef[] }) => {
      if (!catalog || !masking) return collector.add(row);
      masks ??= columnMasks(catalog, masking.hashKey, result?.fields ?? []);
      const columns = masks;
      collector.add(row.map((value, index) => (value === null ? null : (columns[index] ?? KEEP)(value))));
    });
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

type ColumnMask = (value: string) => string | null;
const KEEP: ColumnMask = (value) => value;

function columnMasks(catalog: MaskingCatalog, hashKey: Buffer, fields: FieldDef[]): ColumnMask[] {
  return fields.map((field) => {
    const kind = catalog.columns.get(`${field.tableID}:${field.columnID}`);
    if (kind === undefined) return KEEP;
    return (value) => maskValue(kind, Buffer.from(value, 'utf8'), field.dataTypeID, false, hashKey)?.toString('utf8') ?? null;
  });
}
