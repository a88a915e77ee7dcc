import { z } from 'zod';
import { DriverError, type DriverErrorCode } from '../driver';

/**
 * Classify a mysql2 error by the server's `errno` (or Node's socket `code` for network failures), never by
 * message text. mysql2 names MariaDB-only error numbers after whatever MySQL uses for that number (4031 is
 * `ER_CLIENT_INTERACTION_TIMEOUT` on MySQL and something else on MariaDB), so its `code` is not trusted for
 * server errors.
 */
const errorShape = z.object({ errno: z.number().optional(), code: z.string().optional(), fatal: z.boolean().optional() });

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
]);

type Rule = { code: DriverErrorCode; retryable: boolean };

const BY_ERRNO: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  // The server cannot be used right now: connection refused/lost, too many connections, shutting down,
  // our connection was killed (1927 MariaDB ER_CONNECTION_KILLED), idle timeout (4031).
  ...[1040, 1053, 1077, 1152, 1153, 1158, 1159, 1160, 1161, 1927, 2002, 2003, 2005, 2006, 2013, 2055, 4031].map(
    (n): [number, Rule] => [n, { code: 'unreachable', retryable: true }],
  ),
  // Lock wait timeout, deadlock: the same statement succeeds on a retry.
  [1205, { code: 'failed', retryable: true }],
  [1213, { code: 'failed', retryable: true }],
  // Operation CREATE USER failed: the account already exists (a race with another creator).
  [1396, { code: 'conflict', retryable: false }],
  // Unknown role (MariaDB 1959 ER_INVALID_ROLE, MySQL 3530 ER_UNKNOWN_AUTHID), table or database in the
  // configured access: the configuration names something this server does not have.
  [1959, { code: 'invalid_access', retryable: false }],
  [3530, { code: 'invalid_access', retryable: false }],
  [1146, { code: 'invalid_access', retryable: false }],
  [1049, { code: 'invalid_access', retryable: false }],
  [1133, { code: 'invalid_access', retryable: false }],
  // The admin login lacks a privilege or was refused: retrying will not help until someone fixes it.
  [1044, { code: 'failed', retryable: false }],
  [1045, { code: 'failed', retryable: false }],
  [1142, { code: 'failed', retryable: false }],
  [1227, { code: 'failed', retryable: false }],
]);

export function toDriverError(error: unknown, action: string): DriverError {
  if (error instanceof DriverError) return error;
  const parsed = errorShape.safeParse(error);
  const { errno, code } = parsed.success ? parsed.data : {};
  const message = `${action}: ${error instanceof Error ? error.message : String(error)}`;
  if (code !== undefined && NETWORK_CODES.has(code)) return new DriverError('unreachable', message, true, { cause: error });
  const known = errno === undefined ? undefined : BY_ERRNO.get(errno);
  if (known) return new DriverError(known.code, message, known.retryable, { cause: error });
  return new DriverError('failed', message, false, { cause: error });
}

/** The server error number of a mysql2 error, if it is one. */
export function errnoOf(error: unknown): number | undefined {
  const parsed = errorShape.safeParse(error);
  return parsed.success ? parsed.data.errno : undefined;
}
