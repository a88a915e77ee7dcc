import type { Pool } from 'pg';
import type { SessionPolling } from './sessions';

/** What every operation of one target's driver needs. */
export interface PgContext {
  pool: Pool;
  /** The admin URL, to reach the other databases of the cluster where a revoked role left something. */
  url: string;
  /** The target id every managed role's comment carries: roles are cluster-wide, a target is one database. */
  target: string;
  /** The marker role every managed role is a direct member of. */
  marker: string;
  /** Receives objects a managed role owned; undefined: they are dropped with the role. */
  owner: string | undefined;
  polling: SessionPolling;
}
