import type { ClientBase } from 'pg';
import { DriverError, type GrantAccess, type GrantAccessResult } from '../driver';
import { applyAccess } from './access';
import { roleExists, roleState, type RoleState } from './catalog';
import type { PgContext } from './context';
import { SQLSTATE, sqlState } from './errors';
import { encodeGrantComment } from './grant-comment';
import { ensureMarker } from './marker';
import { assertRoleName } from './names';
import { inTransaction, withClient } from './pool';
import { scramSha256Verifier } from './scram';
import { commentOnRole, createGroupRole, createLogin, grantRole, rotateLogin, sql } from './statements';

/** A role of this name that we may reuse for this grant: managed, and not recorded for a different grant. */
function assertReusable(state: Extract<RoleState, { exists: true }>, request: GrantAccess): void {
  if (!state.managed) {
    throw new DriverError('conflict', `role ${JSON.stringify(request.name)} exists and is not managed by the connector for this target`, false);
  }
  if (state.grantId !== null && state.grantId !== request.grantId) {
    throw new DriverError('conflict', `managed role ${JSON.stringify(request.name)} belongs to another grant`, false);
  }
}

/**
 * Runs `work` once more if a concurrent CREATE ROLE of the same name won the race between our check and our
 * create (42710, or 23505 from pg_authid's unique index); the second pass finds the role and reuses it.
 */
async function retryOnceIfCreatedConcurrently<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const state = sqlState(error);
    if (state !== SQLSTATE.duplicateObject && state !== SQLSTATE.uniqueViolation) throw error;
    return work();
  }
}

async function grantEphemeral(ctx: PgContext, request: GrantAccess): Promise<GrantAccessResult> {
  if (!request.password) throw new DriverError('failed', 'an ephemeral grant needs a password', false);
  const verifier = await scramSha256Verifier(request.password);
  const login = { name: request.name, verifier, validUntil: request.notAfter, login: request.enabled };
  return retryOnceIfCreatedConcurrently(() =>
    withClient(ctx.pool, async (client) => {
      await ensureMarker(client, ctx.marker);
      return inTransaction(client, async () => {
        const state = await roleState(client, request.name, ctx.marker, ctx.target);
        if (state.exists) {
          assertReusable(state, request);
          await client.query(rotateLogin(login));
        } else {
          await client.query(createLogin({ ...login, marker: ctx.marker }));
          await client.query(commentOnRole(request.name, encodeGrantComment({ grantId: request.grantId, target: ctx.target })));
        }
        await client.query(sql.aclLock);
        await applyAccess(client, request.access, request.name);
        return { username: request.name, created: !state.exists };
      });
    }),
  );
}

async function assertDbUserExists(client: ClientBase, dbUser: string): Promise<void> {
  if (!(await roleExists(client, dbUser))) {
    throw new DriverError('invalid_access', `database user ${JSON.stringify(dbUser)} does not exist`, false);
  }
}

/**
 * The access goes to a managed NOLOGIN group role named `name`, which is then granted to the customer's own
 * login; revoking drops the group role and leaves the login as it was.
 */
async function grantExistingLogin(ctx: PgContext, request: GrantAccess, dbUser: string): Promise<GrantAccessResult> {
  return retryOnceIfCreatedConcurrently(() =>
    withClient(ctx.pool, async (client) => {
      await ensureMarker(client, ctx.marker);
      return inTransaction(client, async () => {
        await assertDbUserExists(client, dbUser);
        const state = await roleState(client, request.name, ctx.marker, ctx.target);
        if (state.exists) {
          assertReusable(state, request);
        } else {
          await client.query(createGroupRole(request.name, ctx.marker));
          await client.query(commentOnRole(request.name, encodeGrantComment({ grantId: request.grantId, target: ctx.target })));
        }
        await client.query(sql.aclLock);
        await applyAccess(client, request.access, request.name);
        if (request.enabled) await client.query(grantRole(request.name, dbUser));
        return { username: dbUser, created: !state.exists };
      });
    }),
  );
}

export async function grant(ctx: PgContext, request: GrantAccess): Promise<GrantAccessResult> {
  assertRoleName(request.name, 'login name');
  if (Number.isNaN(request.notAfter.getTime())) throw new DriverError('failed', 'notAfter is not a valid date', false);
  if (request.mode === 'ephemeral') return grantEphemeral(ctx, request);
  const dbUser = existingLoginUser(request);
  return grantExistingLogin(ctx, request, dbUser);
}

export function existingLoginUser(request: { name: string; dbUser?: string | undefined }): string {
  const { dbUser } = request;
  if (!dbUser) throw new DriverError('invalid_access', 'existing-login mode needs dbUser', false);
  // A name PostgreSQL cannot hold is a login that cannot exist: the request's fault, not a failure of ours.
  try {
    assertRoleName(dbUser, 'dbUser');
  } catch (error) {
    throw new DriverError('invalid_access', (error as Error).message, false);
  }
  if (dbUser === request.name) throw new DriverError('invalid_access', 'dbUser must differ from the managed name', false);
  return dbUser;
}

/** For `enable`: the customer's login gets the group role once the window opens. */
export async function attachGroupRole(client: ClientBase, name: string, dbUser: string): Promise<void> {
  await assertDbUserExists(client, dbUser);
  await client.query(grantRole(name, dbUser));
}
