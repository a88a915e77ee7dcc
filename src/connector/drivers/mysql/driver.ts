import { createPool, type Pool } from 'mysql2/promise';
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
  type TargetHealth,
} from '../driver';
import type { OperationContext } from './context';
import { toDriverError } from './errors';
import { enableExistingLogin, grantExistingLogin, revokeExistingLogin } from './existing-login';
import { enableEphemeral, extendEphemeral, grantEphemeral, revokeEphemeral } from './ephemeral';
import { flavourOf, versionRow, type Flavour } from './flavour';
import { databaseExpiryProblem } from './lock-event';
import { terminateSessions } from './sessions';
import { Db } from './sql';
import { listTagged, markerProblem } from './tag';
import { remaining } from './verify';

const MAX_USERNAME_LENGTH = 32;
const DEFAULT_MARKER = 'jit_managed';
const REVOCATION_CONNECTIONS = 2;
const epochRow = z.object({ epoch: z.union([z.string(), z.number()]).transform(Number) });

function databaseOf(url: string): string | null {
  const path = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return path === '' ? null : path;
}

export class MysqlDriver implements Driver {
  readonly engine = 'mysql' as const;
  readonly maxUsernameLength = MAX_USERNAME_LENGTH;
  private readonly pool: Pool;
  /** Connections only revocations use (revoke, terminate sessions) and the clock reading that keeps them warm. */
  private readonly revocations: Pool;
  private readonly marker: string;
  private readonly database: string | null;
  private flavour: Promise<Flavour> | null = null;

  constructor(
    target: DriverTarget,
    private readonly log: Logger,
  ) {
    this.marker = target.marker ?? DEFAULT_MARKER;
    const problem = markerProblem(this.marker);
    if (problem) throw new Error(problem);
    this.database = databaseOf(target.url);
    this.pool = createPool({ uri: target.url, connectionLimit: 3, maxIdle: 1, idleTimeout: 60_000, connectTimeout: 5000 });
    // Kept open (the clock is read through it every 30 s), so a revocation neither queues behind other work nor
    // needs a new connection from a server that may be refusing them.
    this.revocations = createPool({ uri: target.url, connectionLimit: REVOCATION_CONNECTIONS, maxIdle: REVOCATION_CONNECTIONS, idleTimeout: 3_600_000, connectTimeout: 5000 });
  }

  /**
   * MySQL and MariaDB keep account names in utf8mb3 columns: a character outside the Basic Multilingual Plane
   * cannot be stored, and comparing one with them is an error (1267), not a miss.
   */
  loginNameProblem(name: string): string | null {
    if ([...name].some((char) => (char.codePointAt(0) ?? 0) > 0xffff)) return 'a login name cannot hold characters outside the Basic Multilingual Plane (such as emoji)';
    return null;
  }

  grant(request: GrantAccess): Promise<GrantAccessResult> {
    if ([...request.name].length > MAX_USERNAME_LENGTH) {
      return Promise.reject(new DriverError('failed', `login names are at most ${MAX_USERNAME_LENGTH} characters`, false));
    }
    return this.operation('grant', (ctx) =>
      request.mode === 'ephemeral' ? grantEphemeral(ctx, request) : grantExistingLogin(ctx, request),
    );
  }

  enable(request: ManagedRef): Promise<void> {
    return this.operation('enable', (ctx) =>
      request.mode === 'ephemeral' ? enableEphemeral(ctx, request) : enableExistingLogin(ctx, request),
    );
  }

  /** Existing-login access has no database-side end (the customer's login stays); the connector ends it. */
  extend(request: ManagedRef & { notAfter: Date }): Promise<void> {
    if (request.mode !== 'ephemeral') return Promise.resolve();
    return this.operation('extend', (ctx) => extendEphemeral(ctx, request));
  }

  revoke(request: ManagedRef): Promise<RevokeResult> {
    return this.operation(
      'revoke',
      (ctx) => (request.mode === 'ephemeral' ? revokeEphemeral(ctx, request) : revokeExistingLogin(ctx, request)),
      this.revocations,
    );
  }

  verifyRevoked(request: ManagedRef): Promise<{ remaining: string[] }> {
    return this.operation('verify revocation', async (ctx) => ({ remaining: await remaining(ctx, request) }));
  }

  listManaged(_request: Record<string, never>): Promise<{ logins: ManagedLogin[] }> {
    return this.operation('list managed logins', async (ctx) => {
      const tagged = await listTagged(ctx.db, this.marker);
      return { logins: tagged.map(({ user, grantId }) => ({ name: user, grantId })) };
    });
  }

  terminateSessions(request: { username: string }): Promise<{ terminated: number }> {
    return this.operation(
      'terminate sessions',
      async (ctx) => ({ terminated: await terminateSessions(ctx.db, request.username, true) }),
      this.revocations,
    );
  }

  async health(_request: Record<string, never>): Promise<TargetHealth> {
    try {
      const problem = await this.operation('health check', (ctx) => databaseExpiryProblem(ctx.db, ctx.database));
      return { reachable: true, problems: problem === null ? [] : [problem] };
    } catch (error) {
      return { reachable: false, detail: toDriverError(error, 'health check').message };
    }
  }

  /** Seconds since the epoch by the server's clock, so neither side's time zone enters into it. */
  databaseTime(_request: Record<string, never>): Promise<Date> {
    return this.operation(
      'read the database clock',
      async (ctx) => {
        const [row] = await ctx.db.rows(epochRow, 'SELECT UNIX_TIMESTAMP(NOW(6)) AS epoch');
        if (!row) throw new DriverError('failed', 'the database returned no time', true);
        return new Date(Math.round(row.epoch * 1000));
      },
      this.revocations,
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.revocations.end()]);
  }

  /**
   * Run `body` on one admin connection. The session is set up for our statements: UTC, so lock events fire
   * at notAfter; no NO_BACKSLASH_ESCAPES, because mysql2 escapes string literals with backslashes.
   */
  private async operation<T>(action: string, body: (ctx: OperationContext) => Promise<T>, pool: Pool = this.pool): Promise<T> {
    try {
      const connection = await pool.getConnection();
      try {
        await connection.query("SET time_zone = '+00:00', sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
        const flavour = await this.detectFlavour(new Db(connection, 'mysql'));
        return await body({ db: new Db(connection, flavour), marker: this.marker, database: this.database, log: this.log });
      } finally {
        connection.release();
      }
    } catch (error) {
      throw toDriverError(error, action);
    }
  }

  /** Once per driver; a failed detection is tried again on the next operation. */
  private detectFlavour(db: Db): Promise<Flavour> {
    this.flavour ??= db
      .rows(versionRow, 'SELECT VERSION() AS version, @@version_comment AS comment')
      .then(([row]) => {
        if (!row) throw new Error('SELECT VERSION() returned no row');
        const flavour = flavourOf(row);
        this.log.info({ flavour, version: row.version }, 'mysql target flavour detected');
        return flavour;
      })
      .catch((error: unknown) => {
        this.flavour = null;
        throw error;
      });
    return this.flavour;
  }
}
