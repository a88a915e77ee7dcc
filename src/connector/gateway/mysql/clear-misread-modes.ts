import type { Connection } from 'mysql2';
import { z } from 'zod';

/**
 * sql_mode flags under which the server reads text otherwise than node-sql-parser does: `"x"` as a name
 * (ANSI_QUOTES, and the combined modes that include it), a backslash as an ordinary character
 * (NO_BACKSLASH_ESCAPES), MariaDB's ORACLE grammar.
 */
const MISREAD = new Set(['ANSI_QUOTES', 'NO_BACKSLASH_ESCAPES', 'ANSI', 'ORACLE', 'MSSQL', 'DB2', 'POSTGRESQL', 'MAXDB']);

/**
 * Clears those flags on a guarded or masked level's database session (the server's default may carry them), so
 * the statements the gateway checks are the statements the server runs; the checks refuse any change to sql_mode.
 */
export async function clearMisreadModes(connection: Connection): Promise<void> {
  const [rows] = await connection.promise().query('SELECT @@SESSION.sql_mode AS mode');
  const modes = z.array(z.object({ mode: z.string() })).parse(rows)[0]?.mode.split(',').filter(Boolean) ?? [];
  const kept = modes.filter((mode) => !MISREAD.has(mode.toUpperCase()));
  if (kept.length !== modes.length) await connection.promise().query('SET SESSION sql_mode = ?', [kept.join(',')]);
}
