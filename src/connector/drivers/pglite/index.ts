/**
 * The PGlite driver: PostgreSQL compiled to WebAssembly, running inside the connector's own process. It is
 * the embedded default (`demo` target) so the product can be tried with nothing installed.
 *
 * A DEMONSTRATION TARGET, NEVER A SECURITY BOUNDARY (see PGLITE_WARNING):
 * - There are no network logins. The only session is the connector's, and its user is the superuser.
 * - Privileges hold while a statement runs under `SET ROLE <login>` (runAs), but a session can SET ROLE back
 *   to the superuser; runAs refuses the obvious ways and checks afterwards, which is a guard, not a wall.
 * - VALID UNTIL is recorded but not enforced by PGlite; runAs refuses an expired login itself.
 * - No password is stored (CREATE ROLE … LOGIN without PASSWORD). The "password" the connector hands out for
 *   a PGlite grant opens nothing; runAs is how the app's tests show a grant's login works, or no longer does.
 *
 * Target urls: `pglite:memory`, or a data directory as `pglite:<dir>` / `pglite:file:<dir>`. One PGlite
 * instance per target, opened on first use. The embedded default is, in outline:
 *   const driver = pgliteDriver.create({ id: 'demo', url: 'pglite:memory', access: DEMO_ACCESS }, log);
 *   await seedDemo(await driver.database());
 */
import type { Logger } from '../../log';
import type { DriverFactory, DriverTarget } from '../driver';
import { PgliteDriver } from './pglite-driver';
import { checkPrivilege } from '../postgres/privileges';

export interface PgliteDriverFactory extends DriverFactory {
  readonly engine: 'pglite';
  create(target: DriverTarget, log: Logger): PgliteDriver;
}

export const pgliteDriver: PgliteDriverFactory = {
  engine: 'pglite',
  checkPrivilege,
  create: (target, log) => new PgliteDriver(target, log),
};

export { PgliteDriver } from './pglite-driver';
export { PGLITE_WARNING } from './warning';
export { DEMO_ACCESS, seedDemo } from './seed-demo';
export { runAs } from './run-as';
export { RunAsError, type RunAsErrorCode } from './run-as-error';
