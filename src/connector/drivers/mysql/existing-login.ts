import type { Raw } from 'mysql2/promise';
import { z } from 'zod';
import { DriverError, type GrantAccess, type GrantAccessResult, type ManagedRef, type RevokeResult } from '../driver';
import { grantAccess, parseAccess } from './access';
import type { OperationContext } from './context';
import { terminateSessions } from './sessions';
import { account, roleName, sqlList, type Db } from './sql';
import { accountState, jsonColumn, tagAttribute, writeTag } from './tag';

/*
 * Existing-login mode: the access is collected in a managed role named `name` (tagged like an ephemeral
 * login), and that one role is granted to the customer's login. Revoking takes exactly that role away, so
 * privileges the login had before are never touched, and the customer's account itself is only ever
 * given or refused our role (plus its default-role setting, see below).
 *
 * MariaDB: a real role (CREATE ROLE, host ''). MySQL 8: an account created locked with the tag in its
 * ATTRIBUTE and used as a role (MySQL roles are locked accounts; CREATE ROLE cannot carry an ATTRIBUTE).
 */

function roleHost(db: Db): string {
  return db.flavour === 'mariadb' ? '' : '%';
}

function managedRole(db: Db, name: string): Raw {
  return db.flavour === 'mariadb' ? roleName(name) : account(name, '%');
}

const hostRow = z.object({ host: z.string() });

/** Every account of the customer's login (a user may exist for several hosts). */
async function loginHosts(db: Db, dbUser: string): Promise<string[]> {
  const rows =
    db.flavour === 'mariadb'
      ? await db.rows(
          hostRow,
          // mysql.global_priv rather than the mysql.user view, whose computed columns clash with the session collation.
          "SELECT Host AS host FROM mysql.global_priv WHERE User = ? AND JSON_VALUE(Priv, '$.is_role') IS NULL",
          [dbUser],
        )
      : await db.rows(hostRow, 'SELECT Host AS host FROM mysql.user WHERE User = ?', [dbUser]);
  return rows.map((row) => row.host);
}

function requireDbUser(request: ManagedRef): string {
  if (!request.dbUser) throw new DriverError('invalid_access', 'existing-login mode needs dbUser', false);
  return request.dbUser;
}

export async function grantExistingLogin(ctx: OperationContext, request: GrantAccess): Promise<GrantAccessResult> {
  const { db } = ctx;
  const dbUser = requireDbUser(request);
  const access = parseAccess(request.access);
  const hosts = await loginHosts(db, dbUser);
  if (hosts.length === 0) throw new DriverError('invalid_access', `the login ${dbUser} does not exist`, false);
  const state = await accountState(db, ctx.marker, request.name, roleHost(db));
  if (state.kind === 'unmanaged') throw new DriverError('conflict', `a role or login named ${request.name} exists and is not managed`, false);
  if (state.kind === 'absent') {
    if (db.flavour === 'mariadb') {
      await db.run('CREATE ROLE ?', [roleName(request.name)]);
      await writeTag(db, ctx.marker, request.name, roleHost(db), request.grantId);
    } else {
      await db.run('CREATE USER ? ACCOUNT LOCK ATTRIBUTE ?', [account(request.name, '%'), tagAttribute(ctx.marker, request.grantId)]);
    }
  } else if (state.grantId !== request.grantId) {
    await writeTag(db, ctx.marker, request.name, roleHost(db), request.grantId);
  }
  await grantAccess(db, managedRole(db, request.name), access);
  if (request.enabled) await attach(ctx, request.name, dbUser, hosts);
  return { username: dbUser, created: state.kind === 'absent' };
}

export async function enableExistingLogin(ctx: OperationContext, request: ManagedRef): Promise<void> {
  const dbUser = requireDbUser(request);
  const state = await accountState(ctx.db, ctx.marker, request.name, roleHost(ctx.db));
  if (state.kind === 'absent') throw new DriverError('failed', `no managed role named ${request.name}`, false);
  if (state.kind === 'unmanaged') throw new DriverError('not_managed', `the role ${request.name} is not managed`, false);
  const hosts = await loginHosts(ctx.db, dbUser);
  if (hosts.length === 0) throw new DriverError('invalid_access', `the login ${dbUser} does not exist`, false);
  await attach(ctx, request.name, dbUser, hosts);
}

/** Take the role away first, end the sessions that had it, then drop the role. */
export async function revokeExistingLogin(ctx: OperationContext, request: ManagedRef): Promise<RevokeResult> {
  const { db } = ctx;
  const dbUser = requireDbUser(request);
  const state = await accountState(db, ctx.marker, request.name, roleHost(db));
  if (state.kind === 'unmanaged') throw new DriverError('not_managed', `the role ${request.name} is not managed`, false);
  if (state.kind === 'absent') return { existed: false, sessionsTerminated: 0 };
  for (const host of await loginHosts(db, dbUser)) await detach(ctx, request.name, dbUser, host);
  const sessionsTerminated = await terminateSessions(db, dbUser, false);
  await db.run(db.flavour === 'mariadb' ? 'DROP ROLE ?' : 'DROP USER ?', [managedRole(db, request.name)]);
  return { existed: true, sessionsTerminated };
}

async function attach(ctx: OperationContext, name: string, dbUser: string, hosts: string[]): Promise<void> {
  const { db } = ctx;
  for (const host of hosts) {
    await db.run('GRANT ? TO ?', [managedRole(db, name), account(dbUser, host)]);
    const defaults = await defaultRoles(db, dbUser, host);
    if (db.flavour === 'mysql') {
      if (!defaults.includes(name)) await setMysqlDefaultRoles(db, dbUser, host, [...defaults, name]);
    } else if (defaults.length === 0) {
      await db.run('SET DEFAULT ROLE ? FOR ?', [roleName(name), account(dbUser, host)]);
    } else if (!defaults.includes(name)) {
      // MariaDB keeps one default role per account, and replacing the customer's would change their login.
      ctx.log.warn({ role: name }, 'the login already has a default role: the requester must run SET ROLE to use this access');
    }
  }
}

async function detach(ctx: OperationContext, name: string, dbUser: string, host: string): Promise<void> {
  const { db } = ctx;
  const defaults = await defaultRoles(db, dbUser, host);
  if (defaults.includes(name)) {
    if (db.flavour === 'mariadb') await db.run('SET DEFAULT ROLE NONE FOR ?', [account(dbUser, host)]);
    else await setMysqlDefaultRoles(db, dbUser, host, defaults.filter((role) => role !== name));
  }
  if (await holdsRole(db, name, dbUser, host)) {
    await db.run('REVOKE ? FROM ?', [managedRole(db, name), account(dbUser, host)]);
  }
}

const privRow = z.object({ priv: jsonColumn });
const defaultRoleInPriv = z.object({ default_role: z.string().optional() });
const mysqlDefaultRow = z.object({ role: z.string(), roleHost: z.string() });

/**
 * The login's default roles by name. On MySQL only roles with host '%' are compared with ours, but every
 * one is kept when the list is rewritten (see setMysqlDefaultRoles).
 */
async function defaultRoles(db: Db, dbUser: string, host: string): Promise<string[]> {
  if (db.flavour === 'mariadb') {
    const [row] = await db.rows(privRow, 'SELECT Priv AS priv FROM mysql.global_priv WHERE User = ? AND Host = ?', [dbUser, host]);
    const parsed = row ? defaultRoleInPriv.safeParse(row.priv) : undefined;
    const role = parsed?.success ? parsed.data.default_role : undefined;
    return role ? [role] : [];
  }
  const rows = await mysqlDefaults(db, dbUser, host);
  return rows.filter((row) => row.roleHost === '%').map((row) => row.role);
}

async function mysqlDefaults(db: Db, dbUser: string, host: string): Promise<z.infer<typeof mysqlDefaultRow>[]> {
  return db.rows(
    mysqlDefaultRow,
    'SELECT DEFAULT_ROLE_USER AS role, DEFAULT_ROLE_HOST AS roleHost FROM mysql.default_roles WHERE USER = ? AND HOST = ?',
    [dbUser, host],
  );
}

/** MySQL's SET DEFAULT ROLE replaces the whole list, so the customer's own defaults are written back with it. */
async function setMysqlDefaultRoles(db: Db, dbUser: string, host: string, names: string[]): Promise<void> {
  const others = (await mysqlDefaults(db, dbUser, host)).filter((row) => row.roleHost !== '%');
  const roles = [...others.map((row) => account(row.role, row.roleHost)), ...names.map((role) => account(role, '%'))];
  if (roles.length === 0) await db.run('SET DEFAULT ROLE NONE TO ?', [account(dbUser, host)]);
  else await db.run('SET DEFAULT ROLE ? TO ?', [sqlList(roles), account(dbUser, host)]);
}

const foundRow = z.object({ found: z.union([z.number(), z.string(), z.bigint()]) });

async function holdsRole(db: Db, name: string, dbUser: string, host: string): Promise<boolean> {
  const rows =
    db.flavour === 'mariadb'
      ? await db.rows(foundRow, 'SELECT 1 AS found FROM mysql.roles_mapping WHERE User = ? AND Host = ? AND Role = ?', [dbUser, host, name])
      : await db.rows(
          foundRow,
          "SELECT 1 AS found FROM mysql.role_edges WHERE FROM_USER = ? AND FROM_HOST = '%' AND TO_USER = ? AND TO_HOST = ?",
          [name, dbUser, host],
        );
  return rows.length > 0;
}
