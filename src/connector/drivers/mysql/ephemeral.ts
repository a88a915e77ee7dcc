import { DriverError, type GrantAccess, type GrantAccessResult, type ManagedRef, type RevokeResult } from '../driver';
import { grantAccess, parseAccess } from './access';
import { LOGIN_HOST, type OperationContext } from './context';
import { dropDefinedObjects } from './defined-objects';
import { dropLock, scheduleLock, schedulerOn } from './lock-event';
import { cachingSha2PasswordHash, nativePasswordHash } from './password-hash';
import { terminateSessions } from './sessions';
import { account, roleName, sqlList, type Db } from './sql';
import { accountState, tagAttribute, writeTag } from './tag';

/**
 * The password clause, carrying only a verifier. MySQL 8: caching_sha2_password (its default, and the only
 * built-in choice on 8.4 where mysql_native_password is off by default). MariaDB: mysql_native_password.
 */
async function createLogin(db: Db, ctx: OperationContext, name: string, password: string, grantId: string): Promise<void> {
  if (db.flavour === 'mysql') {
    await db.run('CREATE USER ? IDENTIFIED WITH caching_sha2_password AS ? ACCOUNT LOCK ATTRIBUTE ?', [
      account(name, LOGIN_HOST),
      cachingSha2PasswordHash(password),
      tagAttribute(ctx.marker, grantId),
    ]);
    return;
  }
  await db.run('CREATE USER ? IDENTIFIED BY PASSWORD ? ACCOUNT LOCK', [account(name, LOGIN_HOST), nativePasswordHash(password)]);
  await writeTag(db, ctx.marker, name, LOGIN_HOST, grantId);
}

async function setPassword(db: Db, name: string, password: string): Promise<void> {
  if (db.flavour === 'mysql') {
    await db.run('ALTER USER ? IDENTIFIED WITH caching_sha2_password AS ?', [account(name, LOGIN_HOST), cachingSha2PasswordHash(password)]);
  } else {
    await db.run('ALTER USER ? IDENTIFIED BY PASSWORD ?', [account(name, LOGIN_HOST), nativePasswordHash(password)]);
  }
}

/**
 * Make the granted roles active at login. MySQL: every granted role. MariaDB has a single default role per
 * account, so an ephemeral access level may name at most one role there (privileges have no such limit).
 */
async function setDefaultRoles(db: Db, name: string, roles: string[]): Promise<void> {
  if (roles.length === 0) return;
  if (db.flavour === 'mysql') {
    await db.run('SET DEFAULT ROLE ALL TO ?', [account(name, LOGIN_HOST)]);
  } else {
    await db.run('SET DEFAULT ROLE ? FOR ?', [sqlList(roles.map(roleName)), account(name, LOGIN_HOST)]);
  }
}

export async function grantEphemeral(ctx: OperationContext, request: GrantAccess): Promise<GrantAccessResult> {
  const { db } = ctx;
  const { name, password } = request;
  if (password === undefined) throw new DriverError('failed', 'an ephemeral login needs a password', false);
  const access = parseAccess(request.access);
  if (db.flavour === 'mariadb' && access.roles.length > 1) {
    throw new DriverError('invalid_access', 'MariaDB activates one default role per login: use one role in memberOf, or privileges', false);
  }
  const state = await accountState(db, ctx.marker, name, LOGIN_HOST);
  if (state.kind === 'unmanaged') throw new DriverError('conflict', `a login named ${name} exists and is not managed`, false);

  // Created locked, and opened only once tagged and granted: a half-made login can never be used.
  if (state.kind === 'absent') await createLogin(db, ctx, name, password, request.grantId);
  else {
    await db.run('ALTER USER ? ACCOUNT LOCK', [account(name, LOGIN_HOST)]);
    await setPassword(db, name, password);
    if (state.grantId !== request.grantId) await writeTag(db, ctx.marker, name, LOGIN_HOST, request.grantId);
  }
  await grantAccess(db, account(name, LOGIN_HOST), access);
  await setDefaultRoles(db, name, access.roles);
  await scheduleLockIfPossible(ctx, name, request.notAfter);
  if (request.enabled) await db.run('ALTER USER ? ACCOUNT UNLOCK', [account(name, LOGIN_HOST)]);
  return { username: name, created: state.kind === 'absent' };
}

async function scheduleLockIfPossible(ctx: OperationContext, name: string, notAfter: Date): Promise<void> {
  if (ctx.database === null) {
    ctx.log.warn({ login: name }, 'target URL names no database: no lock event, the connector alone ends this login');
    return;
  }
  if (!(await schedulerOn(ctx.db))) {
    ctx.log.info({ login: name }, 'event_scheduler is not ON: no lock event, the connector alone ends this login');
    return;
  }
  await scheduleLock(ctx.db, ctx.database, name, LOGIN_HOST, notAfter);
}

async function requireManaged(ctx: OperationContext, name: string): Promise<void> {
  const state = await accountState(ctx.db, ctx.marker, name, LOGIN_HOST);
  if (state.kind === 'absent') throw new DriverError('failed', `no managed login named ${name}`, false);
  if (state.kind === 'unmanaged') throw new DriverError('not_managed', `the login ${name} is not managed`, false);
}

export async function enableEphemeral(ctx: OperationContext, request: ManagedRef): Promise<void> {
  await requireManaged(ctx, request.name);
  await ctx.db.run('ALTER USER ? ACCOUNT UNLOCK', [account(request.name, LOGIN_HOST)]);
}

export async function extendEphemeral(ctx: OperationContext, request: ManagedRef & { notAfter: Date }): Promise<void> {
  await requireManaged(ctx, request.name);
  await scheduleLockIfPossible(ctx, request.name, request.notAfter);
}

/**
 * Lock first (no new sessions); strip every privilege and role, so whatever the login defined runs with
 * nothing from here on; kill and confirm its sessions gone (DROP USER leaves them running); drop everything it
 * defined (triggers, routines, views, events), then its sessions once more (an event may have started one
 * meanwhile), then the login.
 */
export async function revokeEphemeral(ctx: OperationContext, request: ManagedRef): Promise<RevokeResult> {
  const { db } = ctx;
  const { name } = request;
  const state = await accountState(db, ctx.marker, name, LOGIN_HOST);
  if (state.kind === 'unmanaged') throw new DriverError('not_managed', `the login ${name} is not managed`, false);
  if (state.kind === 'absent') {
    if (ctx.database !== null) await dropLock(db, ctx.database, name);
    return { existed: false, sessionsTerminated: 0 };
  }
  await db.run('ALTER USER ? ACCOUNT LOCK', [account(name, LOGIN_HOST)]);
  await db.run('REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?', [account(name, LOGIN_HOST)]);
  let sessionsTerminated = await terminateSessions(db, name, true);
  await dropDefinedObjects(db, name, LOGIN_HOST);
  sessionsTerminated += await terminateSessions(db, name, true);
  await db.run('DROP USER ?', [account(name, LOGIN_HOST)]);
  if (ctx.database !== null) await dropLock(db, ctx.database, name);
  return { existed: true, sessionsTerminated };
}
