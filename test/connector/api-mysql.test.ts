import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import { describeWith, uniqueSuffix } from '../support/servers';
import { inSeconds, startTestConnector, waitFor, type TestConnector } from './support/harness';

const ER_ACCESS_DENIED = 1045;
/**
 * A refused login after the account is dropped: 1045, or 1698 (ER_ACCESS_DENIED_NO_PASSWORD_ERROR), which
 * MariaDB 10.11 was seen to answer for a just-dropped account while other tests changed accounts in parallel.
 */
const REFUSED = [ER_ACCESS_DENIED, 1698];
const ER_TABLEACCESS_DENIED = 1142;

const principal = { accountId: 'acc-ana', email: 'ana@example.com', dbUser: null };
const errnoOf = (error: unknown): number => z.object({ errno: z.number() }).parse(error).errno;
const accountRows = z.array(z.object({ user: z.string(), host: z.string() }));

describeWith('mysql', 'connector API on MySQL/MariaDB', (adminUrl) => {
  const sfx = uniqueSuffix();
  const database = `jit_api_${sfx}`;
  const marker = `jit_m_${sfx}`;
  const server = new URL(adminUrl);
  const targetUrl = new URL(adminUrl);
  targetUrl.pathname = `/${database}`;
  const target = {
    id: `my-${sfx}`,
    engine: 'mysql' as const,
    url: targetUrl.toString(),
    environment: 'prod',
    marker,
    roles: {
      read: { memberOf: [], privileges: [`SELECT ON ${database}.orders`] },
      write: { memberOf: [], privileges: [`SELECT, INSERT, UPDATE ON ${database}.orders`] },
    },
  };
  let admin: Connection;
  let connector: TestConnector;

  /** Connects as a granted login over TCP with its password, as a requester would. */
  const login = async (user: string, password: string): Promise<Connection> => {
    const session = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user, password, database });
    session.on('error', () => undefined); // revocation kills it; the next query shows that
    return session;
  };
  const loginErrno = async (user: string, password: string): Promise<number | undefined> => {
    try {
      await (await login(user, password)).end();
      return undefined;
    } catch (error) {
      return errnoOf(error);
    }
  };
  const queryErrno = async (session: Connection, sql: string): Promise<number | undefined> => {
    try {
      await session.query(sql);
      return undefined;
    } catch (error) {
      return errnoOf(error);
    }
  };
  /** Accounts carrying this file's marker tag (MariaDB keeps it in mysql.global_priv). */
  const managedAccounts = async () => {
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
    return accountRows.parse(rows);
  };

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl });
    await admin.query('CREATE DATABASE ??', [database]);
    await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY, total DECIMAL(10, 2))', [database]);
    await admin.query('CREATE TABLE ??.secrets (id INT PRIMARY KEY)', [database]);
    await admin.query('INSERT INTO ??.orders VALUES (1, 10), (2, 20)', [database]);
    connector = await startTestConnector({ targets: [target] });
  });

  afterAll(async () => {
    await connector?.stop();
    for (const { user, host } of await managedAccounts()) await admin.query('DROP USER ?@?', [user, host]);
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
  });

  const grant = (grantId: string, changes: Record<string, unknown> = {}) =>
    connector.client.createGrant({ grantId, target: target.id, role: 'read', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test', ...changes });

  it('grants a login that can do what its level allows and nothing more, then revokes it for good', async () => {
    const created = await grant('SD-1.1');
    expect(created).toMatchObject({ grantId: 'SD-1.1', state: 'active', connect: { host: server.hostname, port: Number(server.port || 3306), database } });
    expect(created.username).toMatch(/^jit_sd_1_1_[a-z2-7]{6}$/);
    expect(created.username.length).toBeLessThanOrEqual(32);
    const session = await login(created.username, created.password!);
    const [rows] = await session.query('SELECT id, total FROM orders ORDER BY id');
    expect(rows).toEqual([{ id: 1, total: '10.00' }, { id: 2, total: '20.00' }]);
    expect(await queryErrno(session, 'INSERT INTO orders VALUES (3, 30)')).toBe(ER_TABLEACCESS_DENIED);
    expect(await queryErrno(session, 'UPDATE orders SET total = 0')).toBe(ER_TABLEACCESS_DENIED);
    expect(await queryErrno(session, 'SELECT * FROM secrets')).toBe(ER_TABLEACCESS_DENIED);

    expect(await connector.client.revokeGrant('SD-1.1')).toMatchObject({ grantId: 'SD-1.1', state: 'revoked' });
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    session.destroy();
    expect(REFUSED).toContain(await loginErrno(created.username, created.password!));
    expect(await managedAccounts()).toEqual([]);
    expect(await connector.client.getGrant('SD-1.1')).toMatchObject({ state: 'revoked', username: created.username, revokeReason: 'requested' });
    await expect(grant('SD-1.1')).rejects.toMatchObject({ status: 409, code: 'grant_revoked' });
    expect(await connector.client.revokeGrant('SD-1.1')).toMatchObject({ state: 'revoked' });
  });

  it('gives the write level exactly its privileges', async () => {
    const created = await grant('SD-2.1', { role: 'write' });
    const session = await login(created.username, created.password!);
    expect(await queryErrno(session, 'INSERT INTO orders VALUES (3, 30)')).toBeUndefined();
    expect(await queryErrno(session, 'UPDATE orders SET total = 31 WHERE id = 3')).toBeUndefined();
    expect(await queryErrno(session, 'DELETE FROM orders WHERE id = 3')).toBe(ER_TABLEACCESS_DENIED);
    expect(await queryErrno(session, 'SELECT * FROM secrets')).toBe(ER_TABLEACCESS_DENIED);
    await session.end();
    await connector.client.revokeGrant('SD-2.1');
    const [rows] = await admin.query('SELECT total FROM ??.orders WHERE id = 3', [database]);
    expect(rows).toEqual([{ total: '31.00' }]);
  });

  it('answers a repeat with the same login and the same sealed credential, rotating nothing; a changed body is a conflict', async () => {
    const body = { grantId: 'SD-3.1', target: target.id, role: 'read', principal, mode: 'ephemeral' as const, notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test' };
    const first = await connector.client.createGrant(body);
    const repeat = await connector.client.createGrant(body);
    expect(repeat).toMatchObject({ grantId: 'SD-3.1', state: 'active', username: first.username, credential: first.credential });
    expect(await loginErrno(first.username, first.password!)).toBeUndefined();
    await expect(connector.client.createGrant({ ...body, role: 'write' })).rejects.toMatchObject({ status: 409, code: 'grant_conflict' });
    expect((await managedAccounts()).map((account) => account.user)).toEqual([first.username]);
    await connector.client.revokeGrant('SD-3.1');
  });

  it('expires access at notAfter with no DELETE: login refused, open session ended', async () => {
    const created = await grant('SD-4.1', { notAfter: inSeconds(2), role: 'write' });
    const session = await login(created.username, created.password!);
    expect(await queryErrno(session, 'INSERT INTO orders VALUES (40, 1)')).toBeUndefined();
    const status = await waitFor(async () => {
      const current = await connector.client.getGrant('SD-4.1');
      return current.state === 'expired' ? current : undefined;
    });
    expect(status).toMatchObject({ state: 'expired', revokeReason: 'expired' });
    expect(Date.parse(status.revokedAt!) - Date.parse(created.notAfter)).toBeLessThan(1500);
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    session.destroy();
    expect(REFUSED).toContain(await loginErrno(created.username, created.password!));
    expect(await managedAccounts()).toEqual([]);
  });

  it('leaves a tombstone for an unknown grantId, so it can never be granted afterwards', async () => {
    expect(await connector.client.revokeGrant('SD-5.1')).toMatchObject({ grantId: 'SD-5.1', state: 'revoked' });
    expect(await connector.client.getGrant('SD-5.1')).toMatchObject({ grantId: 'SD-5.1', state: 'revoked', username: null });
    await expect(grant('SD-5.1')).rejects.toMatchObject({ status: 409, code: 'grant_revoked' });
    expect(await managedAccounts()).toEqual([]);
  });

  it('reports the target reachable and lists only live grants', async () => {
    await grant('SD-6.1');
    expect((await connector.client.listGrants('active')).grants.map((g) => g.grantId)).toEqual(['SD-6.1']);
    // Reachable; degraded only by what the server lacks for database-side expiry (its event scheduler, OFF by default).
    const [rows] = await admin.query('SELECT @@GLOBAL.event_scheduler AS scheduler');
    const schedulerOn = z.array(z.object({ scheduler: z.string() })).parse(rows)[0]?.scheduler.toUpperCase() === 'ON';
    expect(await connector.client.health()).toEqual(
      schedulerOn
        ? { status: 'ok', targets: [{ id: target.id, reachable: true, problems: [] }] }
        : { status: 'degraded', targets: [{ id: target.id, reachable: true, problems: [expect.stringMatching(/event_scheduler is OFF/)] }] },
    );
    await connector.client.revokeGrant('SD-6.1');
    expect((await connector.client.listGrants('active')).grants).toEqual([]);
  });
});
