import type { FieldPacket } from 'mysql2';
import { maskText } from './mask-value';
import type { MysqlMaskingCatalog } from './mysql-masking-catalog';

/** Column types whose value is text (or bytes) on the MySQL wire: VARCHAR, VAR_STRING, STRING, the BLOB/TEXT types, JSON, ENUM, SET. */
const TEXT_TYPES = new Set([15, 253, 254, 249, 250, 251, 252, 245, 247, 248]);

/**
 * How to mask the rows of one result set, by where each column comes from (the server's `schema`, `orgTable`,
 * `orgName`); undefined when none of its columns is masked. A value of a type the masked form would not fit (a
 * number, a date) becomes NULL: the client parses it by its type.
 */
export function mysqlColumnMasks(catalog: MysqlMaskingCatalog, hashKey: Buffer, fields: readonly FieldPacket[]): ((values: readonly unknown[]) => unknown[]) | undefined {
  const kinds = fields.map((field) => catalog.columns.get(`${field.schema ?? field.db ?? ''}.${field.orgTable}.${field.orgName}`.toLowerCase()));
  if (kinds.every((kind) => kind === undefined)) return undefined;
  return (values) =>
    values.map((value, index) => {
      const kind = kinds[index];
      if (kind === undefined || value === null || value === undefined) return value;
      if (!TEXT_TYPES.has(fields[index]?.columnType ?? -1)) return null;
      return maskText(kind, Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8'), hashKey);
    });
}
