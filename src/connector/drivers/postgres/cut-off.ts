import type { Pool } from 'pg';
import { z } from 'zod';

/**
 * One statement for a whole burst of expiries: signal every session of the given logins that are members of the
 * marker role. New logins are already refused by VALID UNTIL, so this is all it takes for access to end; the
 * per-grant revocation that follows confirms the sessions are gone and dismantles the role.
 */
const TERMINATE_MANAGED = `
SELECT count(*)::int AS signalled FROM (
  SELECT pg_terminate_backend(a.pid)
  FROM pg_catalog.pg_stat_activity a
  JOIN pg_catalog.pg_roles u ON u.rolname = a.usename
  JOIN pg_catalog.pg_auth_members m ON m.member = u.oid
  JOIN pg_catalog.pg_roles r ON r.oid = m.roleid AND r.rolname = $2
  WHERE a.usename = ANY($1::text[]) AND a.pid <> pg_backend_pid()
) signalled`;

const signalledRows = z.tuple([z.object({ signalled: z.number().int() })]);

export async function cutOffSessions(pool: Pool, names: string[], marker: string): Promise<number> {
  const { rows } = await pool.query(TERMINATE_MANAGED, [names, marker]);
  return signalledRows.parse(rows)[0].signalled;
}
