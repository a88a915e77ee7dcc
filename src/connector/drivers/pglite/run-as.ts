import type { PGlite, Results } from '@electric-sql/pglite';
import { z } from 'zod';
import { execFormatted } from './database-quoting';
import { DEFAULT_MARKER, findRole } from './role-lookup';
import { RunAsError } from './run-as-error';
import { changesRole } from './statement-guard';

const CurrentRole = z.object({ role: z.string() });

/**
 * Runs one SQL statement as a managed login, so the app's tests can show a grant's login works, or no longer
 * does. PGlite does not authenticate: nothing here checks a password.
 *
 * THIS IS A DEMO GUARD, NOT A SECURITY BOUNDARY. The statement runs under SET LOCAL ROLE on a session whose
 * user is the superuser; text that changes the role is refused, and the role is checked again after the
 * statement (a change rolls the transaction back), but a determined user can still find a way back to the
 * superuser. Never put data behind PGlite that the console's users must not see.
 *
 * One statement only (the extended protocol refuses several), so nothing can run after a COMMIT it sends.
 * Other statements on the instance wait for the transaction (PGlite serialises them). The session is reset
 * afterwards (DISCARD ALL), so settings and temporary objects do not carry over to the next user; a
 * statement already queued behind this call may still see them.
 */
export async function runAs(
  db: PGlite,
  username: string,
  sql: string,
  options: { marker?: string } = {},
): Promise<Results<Record<string, unknown>>> {
  if (changesRole(sql)) throw new RunAsError('role_change_refused', 'statements that change the role are refused');
  try {
    return await db.transaction(async (tx) => {
      const role = await findRole(tx, username, options.marker ?? DEFAULT_MARKER);
      if (!role?.managed || !role.canLogin) {
        throw new RunAsError('not_a_managed_login', `${JSON.stringify(username)} is not a managed login that can log in`);
      }
      // PGlite never enforces VALID UNTIL; the console does.
      if (role.validUntilMs !== null && role.validUntilMs <= Date.now()) {
        throw new RunAsError('login_expired', `${JSON.stringify(username)} expired at ${new Date(role.validUntilMs).toISOString()}`);
      }
      await execFormatted(tx, 'SET LOCAL ROLE %I', username);
      const result = await tx.query<Record<string, unknown>>(sql);
      const after = CurrentRole.parse((await tx.query('SELECT current_user AS role')).rows[0]);
      if (after.role !== username) throw new RunAsError('role_change_refused', 'the statement changed the role; rolled back');
      await tx.query('RESET ROLE');
      return result;
    });
  } finally {
    await db.exec('DISCARD ALL');
  }
}
