import type { Connection } from 'mysql2';
import { z } from 'zod';
import type { MaskingConfig, MaskKind } from './mask-schema';

/** What the MySQL-wire gateway knows, for one session, about the masked columns of its target; names lower-cased. */
export interface MysqlMaskingCatalog {
  /** `database.table.column` -> how it is shown. */
  columns: Map<string, MaskKind>;
  /** Names of the tables with masked columns. */
  tables: Set<string>;
  /** Names of the masked columns. */
  columnNames: Set<string>;
  /**
   * Every view the login can see outside the system databases: MariaDB does not tell which tables a view reads
   * (information_schema has no VIEW_TABLE_USAGE), so any of them may be built on a masked column.
   */
  views: Set<string>;
  /** Stored functions and procedures the login can see: their bodies may read masked columns unseen. */
  routines: Set<string>;
}

/** The server's own databases: never the target's data. */
export const MYSQL_SYSTEM_DATABASES = "('mysql', 'sys', 'information_schema', 'performance_schema')";
const NameRow = z.object({ name: z.string() });

/** Reads, as the grant's login when its session opens, the views and routines a masked level must not use. */
export async function loadMysqlMaskingCatalog(connection: Connection, masking: MaskingConfig): Promise<MysqlMaskingCatalog> {
  const names = async (sql: string) => {
    const [rows] = await connection.promise().query(sql);
    return new Set(z.array(NameRow).parse(rows).map((row) => row.name.toLowerCase()));
  };
  const entries = Object.entries(masking).map(([name, kind]) => [name.toLowerCase().split('.'), kind] as const);
  return {
    columns: new Map(entries.map(([parts, kind]) => [parts.join('.'), kind])),
    tables: new Set(entries.map(([parts]) => parts[1] ?? '')),
    columnNames: new Set(entries.map(([parts]) => parts[2] ?? '')),
    views: await names(`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_TYPE = 'VIEW' AND TABLE_SCHEMA NOT IN ${MYSQL_SYSTEM_DATABASES}`),
    routines: await names(`SELECT ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN ${MYSQL_SYSTEM_DATABASES}`),
  };
}
