import { DriverError } from '../driver';
import { MAX_IDENTIFIER_BYTES } from './privileges';

/**
 * Role names are quoted, so any character is safe in SQL text, but two are not safe at all: NUL ends the
 * query string in the wire protocol, and a name over 63 bytes is silently truncated by PostgreSQL, which
 * would create (and later fail to find) a different role.
 */
export function assertRoleName(name: string, what: string): void {
  if (name === '' || name.includes('\0') || Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new DriverError('failed', `${what} must be 1 to ${MAX_IDENTIFIER_BYTES} bytes without NUL characters`, false);
  }
}
