import { Client, escapeIdentifier } from 'pg';

/**
 * Creates the sandbox's owner role on a real PostgreSQL server if it is missing: NOLOGIN, so nobody can use
 * what it keeps, and granted to the admin of the URL, which REASSIGN OWNED … TO it requires.
 */
export async function ensureOwnerRole(targetUrl: string, owner: string): Promise<void> {
  const client = new Client({ connectionString: targetUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [owner]);
    if (rows.length === 0) await client.query(`CREATE ROLE ${escapeIdentifier(owner)} NOLOGIN`);
    const member = await client.query('SELECT pg_catalog.pg_has_role(CURRENT_USER, $1, $2) AS member', [owner, 'USAGE']);
    if (member.rows[0]?.member !== true) await client.query(`GRANT ${escapeIdentifier(owner)} TO CURRENT_USER`);
  } finally {
    await client.end();
  }
}
