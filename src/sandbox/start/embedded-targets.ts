import type { PGlite } from '@electric-sql/pglite';
import type { Driver, DriverFactory, GrantAccess, GrantAccessResult, ManagedRef, RevokeResult } from '../../connector/drivers/driver';
import { PgliteDriver, pgliteDriver, seedDemo } from '../../connector/drivers/pglite';
import type { Logger } from '../../connector/log';
import type { ConsolePasswords } from './console-passwords';

/**
 * The PGlite driver as the connector uses it, plus what the sandbox needs around it: a verifier of each
 * password handed out (for the SQL console's check) and the instance itself (for runAs).
 */
class ConsoleCheckedDriver implements Driver {
  readonly engine = 'pglite';
  readonly maxUsernameLength: number;

  constructor(
    readonly targetId: string,
    readonly inner: PgliteDriver,
    private readonly passwords: ConsolePasswords,
  ) {
    this.maxUsernameLength = inner.maxUsernameLength;
  }

  async grant(request: GrantAccess): Promise<GrantAccessResult> {
    const result = await this.inner.grant(request);
    if (request.password !== undefined) this.passwords.remember(this.targetId, result.username, request.password);
    return result;
  }

  enable(request: ManagedRef): Promise<void> {
    return this.inner.enable(request);
  }

  extend(request: ManagedRef & { notAfter: Date }): Promise<void> {
    return this.inner.extend(request);
  }

  async revoke(request: ManagedRef): Promise<RevokeResult> {
    const result = await this.inner.revoke(request);
    this.passwords.forget(this.targetId, request.name);
    return result;
  }

  verifyRevoked(request: ManagedRef) {
    return this.inner.verifyRevoked(request);
  }

  listManaged(request: Record<string, never>) {
    return this.inner.listManaged(request);
  }

  terminateSessions(request: { username: string }) {
    return this.inner.terminateSessions(request);
  }

  health(request: Record<string, never>) {
    return this.inner.health(request);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export type EmbeddedTargets = {
  factory: DriverFactory;
  /** The PGlite instance of an embedded target, seeded with the demo schema; undefined for other targets. */
  database(targetId: string): Promise<PGlite> | undefined;
};

/** A pglite driver factory whose drivers the sandbox can reach, seeding each database on first open. */
export function embeddedTargets(passwords: ConsolePasswords): EmbeddedTargets {
  const drivers = new Map<string, ConsoleCheckedDriver>();
  const seeded = new Map<string, Promise<PGlite>>();
  const database = (targetId: string): Promise<PGlite> | undefined => {
    const driver = drivers.get(targetId);
    if (driver === undefined) return undefined;
    let opening = seeded.get(targetId);
    if (opening === undefined) {
      opening = driver.inner.database().then(async (db) => {
        await seedDemo(db);
        return db;
      });
      opening.catch(() => seeded.delete(targetId));
      seeded.set(targetId, opening);
    }
    return opening;
  };
  const factory: DriverFactory = {
    engine: 'pglite',
    checkPrivilege: (text) => pgliteDriver.checkPrivilege(text),
    create(target, log: Logger) {
      const driver = new ConsoleCheckedDriver(target.id, pgliteDriver.create(target, log), passwords);
      drivers.set(target.id, driver);
      // Opening a fresh PGlite takes seconds: start now, both targets at once, rather than on first use.
      void database(target.id)?.catch(() => undefined);
      return driver;
    },
  };
  return { factory, database };
}
