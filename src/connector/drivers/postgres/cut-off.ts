import type { Pool } from 'pg';
import { z } from 'zod';

/**
 * One statement for a whole burst of expiries: signal every session of the given logins that are members of the
 * marker role. New logins are already refused by VALID UNTIL, so this is all it takes for access to end; the
 * per-grant revocation that follows confirms the sessions are gone and dismantles the role. The few sessions are
 * found first (MATERIALIZED): joined the other way round, the planner walks every member of the marker role
 * (seconds with 10,000 logins).
 */
const TERMINATE_MANAGED = `
WITH sessions AS MATERIALIZED (
  SELECT pid, usesysid FROM pg_catalog.pg_stat_activity WHERE usename = ANY($1::text[]) AND pid <> pg_backend_pid()
)
SELECT count(pg_terminate_backend(s.pid))::int AS signalled FROM sessions s
WHERE EXISTS (
  SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
  WHERE m.member = s.usesysid AND r.rolname = $2
)`;

const signalledRows = z.tuple([z.object({ signalled: z.number().int() })]);

export async function cutOffSessions(pool: Pool, names: string[], marker: string): Promise<number> {
  const { rows } = await pool.query(TERMINATE_MANAGED, [names, marker]);
  return signalledRows.parse(rows)[0].signalled;
}
