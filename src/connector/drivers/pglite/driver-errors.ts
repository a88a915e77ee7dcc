import { z } from 'zod';
import { DriverError } from '../driver';

const SqlState = z.object({ code: z.string().regex(/^[0-9A-Z]{5}$/), message: z.string() });

/** The access names something the database does not have (role, schema, table, database, function). */
const MISSING_OBJECT = new Set(['42704', '3F000', '42P01', '3D000', '42883']);
/** Worth retrying: transaction conflicts, lock timeouts, resource exhaustion. */
const RETRYABLE = new Set(['40001', '40P01', '55P03']);

/** Classifies by SQLSTATE only. An error without one comes from PGlite itself (not open, closed, crashed). */
export function toDriverError(error: unknown, action: string): DriverError {
  if (error instanceof DriverError) return error;
  const sql = SqlState.safeParse(error);
  if (!sql.success) {
    const message = error instanceof Error ? error.message : String(error);
    return new DriverError('unreachable', `${action}: PGlite is not available: ${message}`, true, { cause: error });
  }
  const { code, message } = sql.data;
  if (MISSING_OBJECT.has(code)) return new DriverError('invalid_access', `${action}: ${message} (SQLSTATE ${code})`, false, { cause: error });
  const retryable = RETRYABLE.has(code) || code.startsWith('53');
  return new DriverError('failed', `${action}: ${message} (SQLSTATE ${code})`, retryable, { cause: error });
}
