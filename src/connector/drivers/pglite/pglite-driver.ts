import type { PGlite } from '@electric-sql/pglite';
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
import { applyAccess } from './apply-access';
import { execFormatted, type Queryable } from './database-quoting';
import { toDriverError } from './driver-errors';
import { LazyDatabase } from './open-database';
import { DEFAULT_MARKER, findRole, listManagedRoles, roleComment } from './role-lookup';
import { parseTargetUrl } from './target-url';

function requireDbUser(request: ManagedRef): string {
  if (request.dbUser === undefined) throw new DriverError('invalid_access', 'existing-login mode needs dbUser', false);
  return request.dbUser;
}

async function ensureMarker(db: Queryable, marker: string): Promise<void> {
  const role = await db.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [marker]);
  if (role.rows.length === 0) await execFormatted(db, 'CREATE ROLE %I NOLOGIN', marker);
}

/**
 * The Driver on one PGlite instance, the same SQL as the PostgreSQL driver where PGlite allows it:
 * managed roles are direct members of the marker role, and nothing without that tag is altered or dropped.
 * No password is stored: PGlite does not authenticate, so `password` is ignored (see index.ts).
 */
export class PgliteDriver implements Driver {
  readonly engine = 'pglite';
  readonly maxUsernameLength = 63;
  readonly #db: LazyDatabase;
  readonly #marker: string;
  readonly #owner: string | undefined;

  constructor(target: DriverTarget, log: Logger) {
    const location = parseTargetUrl(target.url);
    if ('problem' in location) throw new DriverError('failed', `target ${target.id}: ${location.problem}`, false);
    this.#db = new LazyDatabase(location, log.child({ engine: 'pglite' }), target.seed);
    this.#marker = target.marker ?? DEFAULT_MARKER;
    this.#owner = target.owner;
  }

  /** The PGlite instance behind this target, for `seedDemo` and `runAs`. */
  async database(): Promise<PGlite> {
    try {
      return await this.#db.get();
    } catch (error) {
      throw toDriverError(error, 'open');
    }
  }

  grant(request: GrantAccess): Promise<GrantAccessResult> {
    return this.#run(`grant ${request.name}`, (db) =>
      db.transaction(async (tx) => {
        await ensureMarker(tx, this.#marker);
        const existing = await findRole(tx, request.name, this.#marker);
        if (existing && !existing.managed) {
          throw new DriverError('conflict', `role ${JSON.stringify(request.name)} exists and is not managed`, false);
        }
        if (!existing) {
          await execFormatted(tx, 'CREATE ROLE %I NOLOGIN', request.name);
          // The membership is only a tag: it must give the login nothing, not even SET ROLE to the marker.
          await execFormatted(tx, 'GRANT %I TO %I WITH INHERIT FALSE, SET FALSE', this.#marker, request.name);
        }
        await execFormatted(tx, 'COMMENT ON ROLE %I IS %L', request.name, roleComment(request.grantId));
        await applyAccess(tx, request.name, request.access);

        if (request.mode === 'ephemeral') {
          const template = request.enabled ? 'ALTER ROLE %I LOGIN VALID UNTIL %L' : 'ALTER ROLE %I NOLOGIN VALID UNTIL %L';
          await execFormatted(tx, template, request.name, request.notAfter.toISOString());
          return { username: request.name, created: !existing };
        }
        const dbUser = requireDbUser(request);
        if (!(await findRole(tx, dbUser, this.#marker))) {
          throw new DriverError('invalid_access', `login ${JSON.stringify(dbUser)} does not exist`, false);
        }
        if (request.enabled) await execFormatted(tx, 'GRANT %I TO %I', request.name, dbUser);
        return { username: dbUser, created: !existing };
      }),
    );
  }

  async enable(request: ManagedRef): Promise<void> {
    await this.#run(`enable ${request.name}`, (db) =>
      db.transaction(async (tx) => {
        await this.#requireManaged(tx, request.name);
        if (request.mode === 'ephemeral') await execFormatted(tx, 'ALTER ROLE %I LOGIN', request.name);
        else await execFormatted(tx, 'GRANT %I TO %I', request.name, requireDbUser(request));
      }),
    );
  }

  /** Records the new end; PGlite does not enforce VALID UNTIL (runAs does). */
  async extend(request: ManagedRef & { notAfter: Date }): Promise<void> {
    await this.#run(`extend ${request.name}`, (db) =>
      db.transaction(async (tx) => {
        await this.#requireManaged(tx, request.name);
        if (request.mode === 'ephemeral') {
          await execFormatted(tx, 'ALTER ROLE %I VALID UNTIL %L', request.name, request.notAfter.toISOString());
        }
      }),
    );
  }

  revoke(request: ManagedRef): Promise<RevokeResult> {
    return this.#run(`revoke ${request.name}`, async (db) => {
      const role = await findRole(db, request.name, this.#marker);
      if (!role) return { existed: false, sessionsTerminated: 0 };
      if (!role.managed) throw new DriverError('not_managed', `role ${JSON.stringify(request.name)} is not managed`, false);

      // Access goes off in its own committed step, so a failure while handing over or dropping leaves it off.
      if (request.mode === 'ephemeral') {
        await execFormatted(db, 'ALTER ROLE %I NOLOGIN', request.name);
      } else if (request.dbUser !== undefined && (await findRole(db, request.dbUser, this.#marker))) {
        await execFormatted(db, 'REVOKE %I FROM %I', request.name, request.dbUser);
      }
      const { terminated } = await this.terminateSessions({ username: request.name });
      await db.transaction(async (tx) => {
        if (this.#owner === undefined) await execFormatted(tx, 'REASSIGN OWNED BY %I TO SESSION_USER', request.name);
        else await execFormatted(tx, 'REASSIGN OWNED BY %I TO %I', request.name, this.#owner);
        await execFormatted(tx, 'DROP OWNED BY %I', request.name);
        await execFormatted(tx, 'DROP ROLE %I', request.name);
      });
      return { existed: true, sessionsTerminated: terminated };
    });
  }

  verifyRevoked(request: ManagedRef): Promise<{ remaining: string[] }> {
    return this.#run(`verify revocation of ${request.name}`, async (db) => {
      const role = await findRole(db, request.name, this.#marker);
      return { remaining: role?.managed ? [`role ${JSON.stringify(request.name)} still exists`] : [] };
    });
  }

  listManaged(_request: Record<string, never>): Promise<{ logins: ManagedLogin[] }> {
    return this.#run('list managed roles', async (db) => ({ logins: await listManagedRoles(db, this.#marker) }));
  }

  /**
   * PGlite is one in-process connection owned by the connector. A console statement (runAs) runs inside one
   * transaction that ends before anything else can run, so there is never another session to end.
   */
  async terminateSessions(_request: { username: string }): Promise<{ terminated: number }> {
    return { terminated: 0 };
  }

  async health(_request: Record<string, never>): Promise<{ reachable: boolean; detail?: string }> {
    try {
      const db = await this.#db.get();
      await db.query('SELECT 1');
      return { reachable: true };
    } catch (error) {
      return { reachable: false, detail: toDriverError(error, 'health').message };
    }
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  async #requireManaged(db: Queryable, name: string): Promise<void> {
    const role = await findRole(db, name, this.#marker);
    if (!role?.managed) throw new DriverError('not_managed', `no managed role ${JSON.stringify(name)}`, false);
  }

  async #run<T>(action: string, work: (db: PGlite) => Promise<T>): Promise<T> {
    try {
      return await work(await this.#db.get());
    } catch (error) {
      throw toDriverError(error, action);
    }
  }
}
