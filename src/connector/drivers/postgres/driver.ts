import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import type { Logger } from '../../log';
import {
  DriverError,
  type Driver,
  type DriverTarget,
  type GrantAccess,
  type GrantAccessResult,
  type ManagedLogin,
  type ManagedRef,
  type RevokeResult,
} from '../driver';
import { managedRoles, roleState } from './catalog';
import type { PgContext } from './context';
import { toDriverError } from './errors';
import { attachGroupRole, existingLoginUser, grant } from './grant';
import { assertRoleName } from './names';
import { cutOffSessions } from './cut-off';
import { createPool, createRevocationPool, withClient } from './pool';
import { remaining, revoke } from './revoke';
import { DEFAULT_POLLING, terminateAndConfirm, type SessionPolling } from './sessions';
import { setLogin, setValidUntil, sql } from './statements';

export const DEFAULT_MARKER = 'jit_managed';
const HEALTH_TIMEOUT_MS = 2_000;

export interface PostgresDriverOptions {
  polling?: SessionPolling;
}

/** Every method turns whatever fails into a `DriverError` classified by SQLSTATE. */
async function classified<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDriverError(error, action);
  }
}

const epochRows = z.tuple([z.object({ epoch: z.union([z.string(), z.number()]).transform(Number) })]);

export class PostgresDriver implements Driver {
  readonly engine = 'postgres';
  readonly maxUsernameLength = 63;
  private readonly ctx: PgContext;
  /** The same target through the connections kept for revocations. */
  private readonly revocationCtx: PgContext;
  private closing: Promise<void> | undefined;

  constructor(target: DriverTarget, log: Logger, options: PostgresDriverOptions = {}) {
    const marker = target.marker ?? DEFAULT_MARKER;
    assertRoleName(marker, 'marker role');
    if (target.owner !== undefined) assertRoleName(target.owner, 'owner role');
    this.ctx = {
      pool: createPool(target.url, log.child({ engine: 'postgres' })),
      url: target.url,
      target: target.id,
      marker,
      owner: target.owner,
      polling: options.polling ?? DEFAULT_POLLING,
    };
    this.revocationCtx = { ...this.ctx, pool: createRevocationPool(target.url, log.child({ engine: 'postgres', pool: 'revocations' })) };
  }

  private get pool(): Pool {
    return this.ctx.pool;
  }

  grant(request: GrantAccess): Promise<GrantAccessResult> {
    return classified('grant', () => grant(this.ctx, request));
  }

  enable(request: ManagedRef): Promise<void> {
    return classified('enable', () =>
      this.onManaged(request.name, async (client) => {
        if (request.mode === 'ephemeral') await client.query(setLogin(request.name, true));
        else await attachGroupRole(client, request.name, existingLoginUser(request));
      }),
    );
  }

  /** Existing-login access has no expiry in the database (the customer's login is not ours to alter). */
  extend(request: ManagedRef & { notAfter: Date }): Promise<void> {
    return classified('extend', () =>
      this.onManaged(request.name, async (client) => {
        if (request.mode === 'ephemeral') await client.query(setValidUntil(request.name, request.notAfter));
      }),
    );
  }

  revoke(request: ManagedRef): Promise<RevokeResult> {
    return classified('revoke', () => revoke(this.revocationCtx, request));
  }

  verifyRevoked(request: ManagedRef): Promise<{ remaining: string[] }> {
    return classified('verify revocation', async () => ({ remaining: await remaining(this.revocationCtx, request) }));
  }

  listManaged(_request: Record<string, never>): Promise<{ logins: ManagedLogin[] }> {
    return classified('list managed roles', async () => ({
      logins: await withClient(this.pool, (client) => managedRoles(client, this.ctx.marker, this.ctx.target)),
    }));
  }

  terminateSessions(request: { username: string }): Promise<{ terminated: number }> {
    return classified('terminate sessions', async () => {
      assertRoleName(request.username, 'username');
      return { terminated: await terminateAndConfirm(this.revocationCtx.pool, request.username, this.ctx.polling) };
    });
  }

  async health(_request: Record<string, never>): Promise<{ reachable: boolean; detail?: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DriverError('unreachable', `no answer within ${HEALTH_TIMEOUT_MS} ms`, true)), HEALTH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.pool.query(sql.ping), timeout]);
      return { reachable: true };
    } catch (error) {
      return { reachable: false, detail: toDriverError(error, 'health check').message };
    } finally {
      clearTimeout(timer);
    }
  }

  cutOff(request: { names: string[] }): Promise<{ signalled: number }> {
    return classified('cut off sessions', async () => ({ signalled: await cutOffSessions(this.revocationCtx.pool, request.names, this.ctx.marker) }));
  }

  /**
   * Seconds since the epoch by the server's clock (clock_timestamp: now, not the transaction's start). Read on a
   * revocation connection, which the reading every 30 s keeps open.
   */
  databaseTime(_request: Record<string, never>): Promise<Date> {
    return classified('read the database clock', async () => {
      const { rows } = await this.revocationCtx.pool.query('SELECT extract(epoch FROM clock_timestamp()) AS epoch');
      return new Date(Math.round(epochRows.parse(rows)[0].epoch * 1000));
    });
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([this.pool.end(), this.revocationCtx.pool.end()]).then(() => undefined);
    return this.closing;
  }

  /** Runs `work` only when `name` is a managed role; anything else is left untouched. */
  private onManaged(name: string, work: (client: PoolClient) => Promise<void>): Promise<void> {
    assertRoleName(name, 'login name');
    return withClient(this.pool, async (client) => {
      const state = await roleState(client, name, this.ctx.marker, this.ctx.target);
      if (!state.exists || !state.managed) {
        throw new DriverError('not_managed', `no managed role ${JSON.stringify(name)} on the target`, false);
      }
      await work(client);
    });
  }
}
