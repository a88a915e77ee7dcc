import { Types, type FieldPacket } from 'mysql2';
import { openMysqlBackend } from '../mysql/mysql-backend';
import type { QueryResult } from '../../../protocol';
import { clearMisreadModes } from '../mysql/clear-misread-modes';
import { mysqlMaskingRefusal } from '../masking/check-mysql-masking';
import { parseMysqlTrees } from '../parse-mysql-statements';
import type { MaskingConfig } from '../masking/mask-schema';
import { mysqlColumnMasks } from '../masking/mysql-column-masks';
import { loadMysqlMaskingCatalog } from '../masking/mysql-masking-catalog';
import { RowCollector, StatementBlocked, StatementRefused } from './query-result';

const TYPE_NAMES = new Map(Object.entries(Types).map(([code, name]) => [Number(code), String(name).toLowerCase()]));

/**
 * Runs one statement as the grant's login on a MySQL/MariaDB connection of its own (multi-statement strings
 * refused by the server), streaming its rows as the PostgreSQL one does; a read-only level's session is read-only on
 * the database, a masked level's statement checked and its rows masked as the MySQL wire does (StatementBlocked when
 * refused). Throws StatementRefused with the SQLSTATE.
 */
export async function runMysqlQuery(targetUrl: string, login: { username: string; password: string; database: string }, sql: string, level: { readOnly: boolean; checked: boolean; masking: { config: MaskingConfig; hashKey: Buffer } | undefined }): Promise<Omit<QueryResult, 'ms' | 'exportable'>> {
  const connection = await openMysqlBackend(targetUrl, login, { multipleStatements: false, foundRows: false, sessionTrack: true });
  connection.on('error', () => undefined);
  try {
    if (level.readOnly) await connection.promise().query('SET SESSION TRANSACTION READ ONLY');
    const { masking } = level;
    if (level.checked) await clearMisreadModes(connection);
    const catalog = masking && (await loadMysqlMaskingCatalog(connection, masking.config));
    if (catalog) {
      const refusal = mysqlMaskingRefusal(catalog, parseMysqlTrees(sql)?.asts);
      if (refusal) throw new StatementBlocked(refusal);
    }
    let mask: ((values: readonly unknown[]) => unknown[]) | undefined;
    const collector = new RowCollector();
    let fields: FieldPacket[] = [];
    let affected: number | null = null;
    await new Promise<void>((resolve, reject) => {
      const running = connection.query({ sql, rowsAsArray: true, typeCast: (field) => field.string() });
      running.on('fields', (next: FieldPacket[] | undefined) => {
        if (!next) return;
        fields = next;
        mask = catalog && masking && mysqlColumnMasks(catalog, masking.hashKey, next);
      });
      running.on('result', (row: unknown) => {
        if (Array.isArray(row)) collector.add(mask ? mask(row).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : (value as string | null))) : (row as (string | null)[]));
        else affected = (row as { affectedRows: number }).affectedRows;
      });
      running.on('error', (error: { sqlState?: string; message: string }) => reject(new StatementRefused(error.sqlState ?? 'HY000', error.message)));
      running.on('end', () => resolve());
    });
    return {
      columns: fields.map((field) => ({ name: field.name, type: TYPE_NAMES.get(field.columnType ?? -1) ?? `type ${field.columnType}` })),
      rows: collector.rows,
      rowCount: fields.length > 0 ? collector.count : affected,
      truncated: collector.truncated,
    };
  } finally {
    connection.destroy();
  }
}
