import { DriverError, type AccessSpec, type ManagedRef, type RevokeResult } from '../driver';
import { withdrawPrivileges } from './access';
import { footprint, groupMembers, inventory, leftover, roleExists, roleState } from './catalog';
import type { PgContext } from './context';
import { SQLSTATE, sqlState } from './errors';
import { assertRoleName } from './names';
import { disarm } from './disarm';
import { withClient, withDatabase } from './pool';
import { terminateAndConfirm } from './sessions';
import { dropOwned, dropRole, joinRole, reassignOwned, revokeRole, setLogin, sql } from './statements';

const GONE: RevokeResult = { existed: false, sessionsTerminated: 0 };

/** True when the role vanished under us (another connector finished the same revocation first). */
function vanished(error: unknown): boolean {
  return sqlState(error) === SQLSTATE.undefinedObject;
}

/**
 * Takes apart a disabled role whose sessions are gone, in steps that each leave it with less:
 * 1. in the target's database, in one transaction: the access level's memberships and privileges are withdrawn,
 *    the grants it gave and the code it wrote are disarmed, what it owns goes to the target's owner (or is
 *    dropped when there is none) and DROP OWNED clears the rest. Committed, so a later step failing leaves a
 *    NOLOGIN role with no privilege and no membership but the marker.
 * 2. in every other database of the cluster where it left something (pg_shdepend says where): DROP OWNED …
 *    CASCADE; nothing of a temporary login belongs there.
 * 3. DROP ROLE, which PostgreSQL refuses (2BP01) while anything of the role is left anywhere.
 * DROP OWNED rewrites the permission lists of every object the role was granted on, so revocations of
 * privilege-holding roles are serialised like grants are; a role that only holds group memberships and owns
 * nothing has no such entries, and its revocation runs concurrently with others.
 */
async function dismantle(ctx: PgContext, name: string, access: AccessSpec): Promise<void> {
  const { local, elsewhere } = await withClient(ctx.pool, async (client) => {
    const found = await footprint(client, name);
    return { local: found.ownsHere ? disarm(await inventory(client, name)) : [], elsewhere: found.elsewhere };
  });
  const touchesAcls = access.privileges.length > 0 || access.memberOf.length === 0 || local.length > 0;
  // One simple-protocol message holding several statements runs as one implicit transaction: all or nothing,
  // in a single round trip.
  const statements = [
    ...(touchesAcls ? [sql.aclLock] : []),
    joinRole(name),
    ...access.memberOf.map((role) => revokeRole(role, name)),
    ...withdrawPrivileges(access, name),
    ...local,
    ...(ctx.owner === undefined ? [] : [reassignOwned(name, ctx.owner)]),
    dropOwned(name, ctx.owner === undefined),
  ];
  try {
    await ctx.pool.query(statements.join(';\n'));
    for (const database of elsewhere) {
      await withDatabase(ctx.url, database, (client) => client.query(`${sql.aclLock};\n${dropOwned(name, true)}`));
    }
    await ctx.pool.query(dropRole(name));
  } catch (error) {
    // 42704 also means a missing owner role; only a role that is really gone counts as done.
    if (!vanished(error) || (await withClient(ctx.pool, (client) => roleExists(client, name)))) throw error;
  }
}

async function managedState(ctx: PgContext, name: string): Promise<'absent' | 'managed'> {
  const state = await withClient(ctx.pool, (client) => roleState(client, name, ctx.marker, ctx.target));
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

/**
 * What is left of a revoked grant on the cluster, in words; empty once nothing is. The managed role is the
 * whole of a grant here (in existing-login mode the customer's login holds nothing but membership in it), so
 * nothing is left once no role of that name carries this target's tag.
 */
export async function remaining(ctx: PgContext, request: ManagedRef): Promise<string[]> {
  assertRoleName(request.name, 'login name');
  return withClient(ctx.pool, async (client) => {
    const state = await roleState(client, request.name, ctx.marker, ctx.target);
    if (!state.exists || !state.managed) return [];
    const left = await leftover(client, request.name);
    if (left === undefined) return [];
    return [
      `role ${JSON.stringify(request.name)} still exists (${left.canLogin ? 'can log in' : 'NOLOGIN'}, ` +
        `${left.sessions} session(s), ${left.dependencies} object(s) or privilege(s) in the cluster)`,
    ];
  });
}
