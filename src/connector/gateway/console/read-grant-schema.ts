import { z } from 'zod';
import { MAX_SCHEMA_COLUMNS, type GrantSchema } from '../../../protocol';
import { ConnectorError } from '../../errors';
import type { MaskKind } from '../masking/mask-schema';
import { loadMaskingCatalog } from '../masking/masking-catalog';
import { loadMysqlMaskingCatalog, MYSQL_SYSTEM_DATABASES } from '../masking/mysql-masking-catalog';
import { openMysqlBackend } from '../mysql/mysql-backend';
import { activeConsoleGrant, type ConsoleGrantDependencies } from './active-console-grant';
import { openPostgresLogin } from './postgres-login';

const ColumnRow = z.object({ schema: z.string(), table: z.string(), column: z.string(), type: z.string(), key: z.string() });
type ColumnRow = z.infer<typeof ColumnRow>;
const CurrentRow = z.object({ schema: z.string().nullable() });

/**
 * Every column the login may use: in a schema it may use, with a privilege on the column or its whole table (as
 * information_schema.columns decides, without the name lookups that fail on a schema the login may not use).
 */
const POSTGRES_COLUMNS = `
  SELECT n.nspname::text AS schema, c.relname::text AS "table", a.attname::text AS "column", t.typname::text AS type, c.oid::text || ':' || a.attnum AS key
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
     AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
     AND pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES')
     AND NOT c.relname = ANY($2::text[])
   ORDER BY 1, 2, a.attnum
   LIMIT $1`;

/** MySQL and MariaDB show a login only the columns it holds a privilege on (or on their table or database). */
const MYSQL_COLUMNS = `
  SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, DATA_TYPE AS type, LOWER(CONCAT_WS('.', TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME)) AS \`key\`
    FROM information_schema.COLUMNS
   WHERE TABLE_SCHEMA NOT IN ${MYSQL_SYSTEM_DATABASES} AND LOWER(TABLE_NAME) NOT IN (?)
   ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
   LIMIT ?`;

/**
 * `GET /v1/grants/{grantId}/schema`: the tables and columns an active gateway grant's login sees on its target, read
 * as that login on a session of its own, so the database's privileges decide what is shown; each column says how the
 * level's masking shows it (as the console and the gateway mask it). For a masked level the views its masking
 * refuses every statement on are left out (on PostgreSQL those built on a masked column, on MySQL every view, as
 * the masking catalogs name them). Nothing is recorded: no statement of the requester's runs. At most
 * MAX_SCHEMA_COLUMNS columns.
 */
export async function readGrantSchema(deps: ConsoleGrantDependencies, grantId: string): Promise<GrantSchema> {
  const { record, target, credentials } = await activeConsoleGrant(deps, grantId);
  const masking = target.config.roles[record.role]?.unmasked === true ? undefined : target.config.masking;
  const url = target.config.url;
  try {
    if (target.config.engine === 'mysql') {
      const connection = await openMysqlBackend(url, credentials, { multipleStatements: false, foundRows: false, sessionTrack: true });
      connection.on('error', () => undefined);
      try {
        const catalog = masking && (await loadMysqlMaskingCatalog(connection, masking));
        // `NOT IN ('')` when no view is left out: no table has an empty name.
        const [rows] = await connection.promise().query(MYSQL_COLUMNS, [[...(catalog?.views ?? []), ''], MAX_SCHEMA_COLUMNS + 1]);
        const [current] = await connection.promise().query('SELECT DATABASE() AS `schema`');
        return grouped(z.array(CurrentRow).parse(current)[0]?.schema ?? null, z.array(ColumnRow).parse(rows), catalog?.columns);
      } finally {
        connection.destroy();
      }
    }
    const client = await openPostgresLogin(url, credentials, false);
    try {
      const catalog = masking && (await loadMaskingCatalog(client, masking));
      const { rows } = await client.query(POSTGRES_COLUMNS, [MAX_SCHEMA_COLUMNS + 1, [...(catalog?.views ?? [])]]);
      const current = await client.query('SELECT pg_catalog.current_schema() AS schema');
      return grouped(z.array(CurrentRow).parse(current.rows)[0]?.schema ?? null, z.array(ColumnRow).parse(rows), catalog?.columns);
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    throw new ConnectorError('target_unavailable', `the schema of target ${record.target} could not be read as the grant`, { cause: error });
  }
}

/** Columns in catalog order, gathered by table; the row past MAX_SCHEMA_COLUMNS only says the list was cut off. */
function grouped(defaultSchema: string | null, rows: ColumnRow[], masked: Map<string, MaskKind> | undefined): GrantSchema {
  const tables: GrantSchema['tables'] = [];
  for (const row of rows.slice(0, MAX_SCHEMA_COLUMNS)) {
    let table = tables.at(-1);
    if (table?.schema !== row.schema || table.name !== row.table) {
      table = { schema: row.schema, name: row.table, columns: [] };
      tables.push(table);
    }
    table.columns.push({ name: row.column, type: row.type, masked: masked?.get(row.key) ?? null });
  }
  return { defaultSchema, tables, truncated: rows.length > MAX_SCHEMA_COLUMNS };
}
