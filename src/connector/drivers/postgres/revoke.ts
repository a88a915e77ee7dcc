import { DriverError, type AccessSpec, type ManagedRef, type RevokeResult } from '../driver';
import { withdrawPrivileges } from './access';
import { groupMembers, roleExists, roleState } from './catalog';
import type { PgContext } from './context';
import { SQLSTATE, sqlState } from './errors';
import { assertRoleName } from './names';
import { withClient } from './pool';
import { terminateAndConfirm } from './sessions';
import { dropOwned, dropRole, joinRole, reassignOwned, revokeRole, setLogin, sql } from './statements';

const GONE: RevokeResult = { existed: false, sessionsTerminated: 0 };

/** True when the role vanished under us (another connector finished the same revocation first). */
function vanished(error: unknown): boolean {
  return sqlState(error) === SQLSTATE.undefinedObject;
}

/**
 * Objects the role owns go to the target's owner, its remaining privileges are dropped, then the role itself;
 * in one transaction so a failure leaves the role (disabled) as it was rather than half-dismantled.
 * A role that owns objects in another database fails here with 2BP01 and stays NOLOGIN.
 * DROP OWNED rewrites the permission lists of every object the role was granted on, so revocations of
 * privilege-holding roles are serialised like grants are; a role that only holds group memberships has no
 * such entries, and its revocation runs concurrently with others (what keeps a burst of expiries on time).
 */
async function dismantle(ctx: PgContext, name: string, access: AccessSpec): Promise<void> {
  const touchesAcls = access.privileges.length > 0 || access.memberOf.length === 0;
  // One simple-protocol message holding several statements runs as one implicit transaction: all or nothing,
  // in a single round trip (what lets a burst of expiries finish within a second).
  const statements = [
    ...(touchesAcls ? [sql.aclLock] : []),
    joinRole(name),
    ...withdrawPrivileges(access, name),
    reassignOwned(name, ctx.owner),
    dropOwned(name),
    dropRole(name),
  ];
  try {
    await ctx.pool.query(statements.join(';\n'));
  } catch (error) {
    // 42704 also means a missing owner role; only a role that is really gone counts as done.
    if (!vanished(error) || (await withClient(ctx.pool, (client) => roleExists(client, name)))) throw error;
  }
}

async function managedState(ctx: PgContext, name: string): Promise<'absent' | 'managed'> {
  const state = await withClient(ctx.pool, (client) => roleState(client, name, ctx.marker));
  if (!state.exists) return 'absent';
  if (!state.managed) throw new DriverError('not_managed', `role ${JSON.stringify(name)} is not managed by the connector`, false);
  return 'managed';
}

/** Disable first so nothing new can log in, then end the sessions, then drop. */
async function revokeEphemeral(ctx: PgContext, name: string, access: AccessSpec): Promise<RevokeResult> {
  if ((await managedState(ctx, name)) === 'absent') return GONE;
  try {
    await ctx.pool.query(setLogin(name, false));
  } catch (error) {
    if (vanished(error)) return GONE;
    throw error;
  }
  const sessionsTerminated = await terminateAndConfirm(ctx.pool, name, ctx.polling);
  await dismantle(ctx, name, access);
  return { existed: true, sessionsTerminated };
}

/**
 * Revoking the membership is the "disable" step: the customer's sessions lose the access at once, and a
 * session that switched to the group role with SET ROLE is ended by the termination that follows.
 * The customer's login itself is never altered or dropped.
 */
async function revokeExistingLogin(ctx: PgContext, name: string, dbUser: string | undefined, access: AccessSpec): Promise<RevokeResult> {
  if ((await managedState(ctx, name)) === 'absent') return GONE;
  const members = await withClient(ctx.pool, async (client) => {
    const found = await groupMembers(client, name);
    for (const member of found) await client.query(revokeRole(name, member));
    return found;
  });
  // dbUser too: a retry after a partial revocation no longer finds it among the members.
  const users = new Set(dbUser === undefined ? members : [...members, dbUser]);
  let sessionsTerminated = 0;
  for (const user of users) sessionsTerminated += await terminateAndConfirm(ctx.pool, user, ctx.polling);
  await dismantle(ctx, name, access);
  return { existed: true, sessionsTerminated };
}

export async function revoke(ctx: PgContext, request: ManagedRef): Promise<RevokeResult> {
  assertRoleName(request.name, 'login name');
  if (request.mode === 'ephemeral') return revokeEphemeral(ctx, request.name, request.access);
  if (request.dbUser !== undefined) assertRoleName(request.dbUser, 'dbUser');
  return revokeExistingLogin(ctx, request.name, request.dbUser, request.access);
}
