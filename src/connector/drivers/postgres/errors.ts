import { DatabaseError } from 'pg';
import { DriverError, type DriverErrorCode } from '../driver';

/**
 * Database errors become `DriverError`s by SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html),
 * never by message text. pg reports connection failures (socket errors such as ECONNREFUSED, pool connect
 * timeouts, a connection terminated mid-query) as plain `Error`s without a SQLSTATE: the server could not be
 * reached, so trying again later can succeed. Any other error class (TypeError, ZodError, …) is a bug or bad
 * input on our side and is not retried.
 */

export const SQLSTATE = {
  duplicateObject: '42710',
  uniqueViolation: '23505',
  undefinedObject: '42704',
} as const;

const RETRYABLE_UNREACHABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const RETRYABLE_FAILED = new Set(['40001', '40P01', '55P03', '55006', '57014', '53000', '53100', '53200', '53400']);
/** Names in the access level that do not exist: undefined role/table/schema/database, or an invalid grant. */
const INVALID_ACCESS = new Set(['42704', '42P01', '3F000', '3D000', '0LP01', '42883']);

export function sqlState(error: unknown): string | undefined {
  return error instanceof DatabaseError && typeof error.code === 'string' ? error.code : undefined;
}

export interface ClassifyOptions {
  /** Set while applying a target's access level, where missing objects mean the config is wrong. */
  applyingAccess?: boolean;
}

export function toDriverError(error: unknown, action: string, options: ClassifyOptions = {}): DriverError {
  if (error instanceof DriverError) return error;
  const state = sqlState(error);
  const { code, retryable } = classify(state, isConnectionFailure(error), options);
  const detail = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  const reason = state === undefined ? detail : `${detail} (SQLSTATE ${state})`;
  return new DriverError(code, `${action}: ${reason}`, retryable, { cause: error });
}

/**
 * Structural, not `instanceof`: Node's socket errors may come from another realm (under jest's vm, say), and
 * their class is plain `Error` either way; TypeError, ZodError and the like carry their own `name`.
 */
export function isConnectionFailure(error: unknown): boolean {
  return sqlState(error) === undefined && typeof error === 'object' && error !== null && 'name' in error && error.name === 'Error';
}

function classify(state: string | undefined, connectionFailure: boolean, options: ClassifyOptions): { code: DriverErrorCode; retryable: boolean } {
  if (state === undefined) return connectionFailure ? { code: 'unreachable', retryable: true } : { code: 'failed', retryable: false };
  // Class 08 connection exceptions; class 28 is a wrong admin credential, which an operator can fix while we retry.
  if (state.startsWith('08') || state.startsWith('28') || RETRYABLE_UNREACHABLE.has(state)) return { code: 'unreachable', retryable: true };
  if (RETRYABLE_FAILED.has(state)) return { code: 'failed', retryable: true };
  if (options.applyingAccess && INVALID_ACCESS.has(state)) return { code: 'invalid_access', retryable: false };
  return { code: 'failed', retryable: false };
}
