import type { Pool } from 'pg';
import type { SessionPolling } from './sessions';

/** What every operation of one target's driver needs. */
export interface PgContext {
  pool: Pool;
  /** The marker role every managed role is a direct member of. */
  marker: string;
  /** Receives objects a managed role owned; undefined = the admin user (CURRENT_USER). */
  owner: string | undefined;
  polling: SessionPolling;
}
