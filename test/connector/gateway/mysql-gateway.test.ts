import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { describeWith } from '../../support/servers';
import { waitFor } from '../support/harness';
import { errnoOf, mysqlGatewayConnector } from './mysql-support';

const run = promisify(execFile);
const ER_ACCESS_DENIED = 1045;
const ER_DBACCESS_DENIED = 1044;
const ER_TABLEACCESS_DENIED = 1142;

describeWith('mysql', 'SQL gateway on the MySQL wire', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('serves the mysql2 driver with the gateway credential and records each statement normalized, as it ran', async () => {
    const grant = await env.grant('MY-1.1');
    expect(grant.connect).toEqual({ host: '127.0.0.1', port: env.port, database: env.database });
    const session = await env.connect(grant.username, grant.password);
    const [rows] = await session.query("SELECT id, total, note, blob_col FROM orders WHERE note = 'first' OR id = 2 ORDER BY id");
    expect(rows).toEqual([
      { id: 1, total: '10.00', note: 'first', blob_col: null },
      { id: 2, total: '20.00', note: null, blob_col: Buffer.from([0x00, 0xff, 0x10]) },
    ]);
    const [inserted] = await session.query("INSERT INTO orders (id, total, note) VALUES (3, 30, 'card 4111')");
    expect(inserted).toMatchObject({ affectedRows: 1 });
    expect(errnoOf(await session.query('SELECT * FROM secrets').catch((error: unknown) => error))).toBe(ER_TABLEACCESS_DENIED);
    await session.end();

    const { status, body } = await env.activity('MY-1.1');
    expect(status).toBe(200);
    expect(body.statements.map(({ kind, sql, tables, rows: count, error }) => ({ kind, sql, tables, rows: count, error }))).toEqual([
      { kind: 'read', sql: 'SELECT `id`, `total`, `note`, `blob_col` FROM `orders` WHERE `note` = ? OR `id` = ? ORDER BY `id` ASC', tables: ['orders'], rows: 2, error: null },
      { kind: 'write', sql: 'INSERT INTO `orders` (id, total, note) VALUES (?,?,?)', tables: ['orders'], rows: 1, error: null },
      { kind: 'read', sql: 'SELECT * FROM `secrets`', tables: ['secrets'], rows: null, error: '42000' },
    ]);
    expect(JSON.stringify(body.statements)).not.toMatch(/4111|'first'/);
    expect(body.digest).toMatchObject({ sessions: 1, statements: 3, byKind: { read: 2, write: 1, ddl: 0, other: 0 }, errors: 1 });
  });

  it('records each statement of a multi-statement query once, and the error that stopped the rest', async () => {
    const grant = await env.grant('MY-2.1');
    const session = await env.connect(grant.username, grant.password, { multipleStatements: true });
    const [results] = await session.query('UPDATE orders SET total = 21 WHERE id = 2; SELECT total FROM orders WHERE id = 2');
    expect(results).toEqual([expect.objectContaining({ affectedRows: 1 }), [{ total: '21.00' }]]);
    await expect(session.query('SELECT 1; SELECT * FROM secrets; SELECT 2')).rejects.toMatchObject({ errno: ER_TABLEACCESS_DENIED });
    await session.end();
    const { body } = await env.activity('MY-2.1');
    expect(body.statements.map(({ sql, rows, error }) => ({ sql, rows, error }))).toEqual([
      { sql: 'UPDATE `orders` SET `total` = ? WHERE `id` = ?', rows: 1, error: null },
      { sql: 'SELECT `total` FROM `orders` WHERE `id` = ?', rows: 1, error: null },
      { sql: 'SELECT ?', rows: 1, error: null },
      { sql: 'SELECT * FROM `secrets`', rows: null, error: '42000' },
    ]);
  });

  it('serves prepared statements (mysql2 execute) with the values the database itself gives, parameters never recorded', async () => {
    const grant = await env.grant('MY-8.1');
    const session = await env.connect(grant.username, grant.password);
    const sql =
      "SELECT id, total, note, blob_col, ? AS n, ? AS s, ? AS nothing, CAST('2020-01-02 03:04:05.678' AS DATETIME(3)) AS dt, CAST('2020-01-02' AS DATE) AS d, " +
      "CAST('-838:59:59' AS TIME) AS t, CAST(18446744073709551615 AS UNSIGNED) AS big, 1.5e0 AS dbl, -3 AS neg FROM orders WHERE id <= ? ORDER BY id";
    const params = [42, 'secret-param', null, 2];
    const [viaGateway, gatewayFields] = await session.execute(sql, params);
    const [direct] = await env.admin.execute(sql.replace('FROM orders', `FROM ${env.database}.orders`), params);
    expect(viaGateway).toEqual(direct);
    expect((viaGateway as unknown[]).length).toBe(2);
    expect(gatewayFields.map((field) => field.name)).toEqual(['id', 'total', 'note', 'blob_col', 'n', 's', 'nothing', 'dt', 'd', 't', 'big', 'dbl', 'neg']);
    const [written] = await session.execute('UPDATE orders SET note = ? WHERE id = ?', ['changed', 2]);
    expect(written).toMatchObject({ affectedRows: 1 });
    await expect(session.execute('SELECT * FROM secrets WHERE id = ?', [1])).rejects.toMatchObject({ errno: ER_TABLEACCESS_DENIED });
    await session.end();
    const { body } = await env.activity('MY-8.1');
    expect(body.statements.map(({ kind, rows, error, params: recorded }) => ({ kind, rows, error, params: recorded }))).toEqual([
      { kind: 'read', rows: 2, error: null, params: undefined },
      { kind: 'write', rows: 1, error: null, params: undefined },
      { kind: 'read', rows: null, error: '42000', params: undefined },
    ]);
    expect(JSON.stringify(body)).not.toContain('secret-param');
  });

  it('serves the mariadb command-line client', async () => {
    const grant = await env.grant('MY-3.1');
    const { stdout } = await run('mariadb', ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(env.port), '-u', grant.username, env.database, '--batch', '--skip-column-names', '-e', 'SELECT id, note FROM orders WHERE id = 1; SHOW TABLES'], {
      env: { ...process.env, MYSQL_PWD: grant.password },
    });
    expect(stdout.split('\n')).toEqual(['1\tfirst', 'orders', '']);
    const { body } = await env.activity('MY-3.1');
    expect(body.statements.map(({ kind, sql }) => ({ kind, sql }))).toEqual(
      expect.arrayContaining([
        { kind: 'read', sql: 'SELECT `id`, `note` FROM `orders` WHERE `id` = ?' },
        { kind: 'read', sql: 'SHOW TABLES' },
      ]),
    );
  });

  it('closes every session of a grant at revoke, before the revoke is answered, and its credential stops working', async () => {
    const grant = await env.grant('MY-4.1');
    const sessions = [await env.connect(grant.username, grant.password), await env.connect(grant.username, grant.password)];
    await Promise.all(sessions.map((session) => session.query('SELECT 1')));
    expect(env.mysqlGateway.sessionCount('MY-4.1')).toBe(2);
    expect(await env.databaseSessions(grant.username)).toBe(2);
    expect(await env.connector.client.revokeGrant('MY-4.1')).toMatchObject({ state: 'revoked' });
    expect(env.mysqlGateway.sessionCount('MY-4.1')).toBe(0);
    for (const session of sessions) await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    await waitFor(async () => ((await env.databaseSessions(grant.username)) === 0 ? true : undefined));
    expect(errnoOf(await env.connect(grant.username, grant.password).catch((error: unknown) => error))).toBe(ER_ACCESS_DENIED);
  });

  it('closes the sessions at expiry with no DELETE, and the credential stops working', async () => {
    const grant = await env.grant('MY-7.1', { notAfter: new Date(Date.now() + 2500).toISOString() });
    const session = await env.connect(grant.username, grant.password);
    await session.query('SELECT 1');
    await waitFor(async () => ((await env.connector.client.getGrant('MY-7.1')).state === 'expired' ? true : undefined), 15_000);
    expect(env.mysqlGateway.sessionCount('MY-7.1')).toBe(0);
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    expect(await env.databaseSessions(grant.username)).toBe(0);
    expect(errnoOf(await env.connect(grant.username, grant.password).catch((error: unknown) => error))).toBe(ER_ACCESS_DENIED);
  });

  it('records a statement cut off by the revoke with the code that ended it', async () => {
    const grant = await env.grant('MY-6.1');
    const session = await env.connect(grant.username, grant.password);
    const sleeping = session.query('SELECT SLEEP(5)').catch((error: unknown) => error);
    await waitFor(async () => ((await env.databaseSessions(grant.username)) === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await env.connector.client.revokeGrant('MY-6.1');
    expect(await sleeping).toMatchObject({ errno: 1927 });
    const { body } = await env.activity('MY-6.1');
    expect(body.statements.map(({ sql, error }) => ({ sql, error }))).toEqual([{ sql: 'SELECT SLEEP(?)', error: '70100' }]);
  });

  it('refuses a credential for another grant, a wrong password, an unknown user and another database alike', async () => {
    const first = await env.grant('MY-5.1');
    const second = await env.grant('MY-5.2');
    const refusal = (user: string, password: string, extra: Record<string, unknown> = {}) => env.connect(user, password, extra).then((session) => session.end().then(() => undefined), (error: unknown) => errnoOf(error));
    expect(await refusal(first.username, second.password)).toBe(ER_ACCESS_DENIED);
    expect(await refusal(first.username, `${first.password}x`)).toBe(ER_ACCESS_DENIED);
    expect(await refusal('root', '')).toBe(ER_ACCESS_DENIED);
    expect(await refusal('jit_nobody', first.password)).toBe(ER_ACCESS_DENIED);
    expect(await refusal(first.username, first.password, { database: 'mysql' })).toBe(ER_DBACCESS_DENIED);
    // The database login's own password is never handed out: the gateway password does not open the database.
    const direct = new URL(adminUrl);
    await expect(
      mysql.createConnection({ host: direct.hostname, port: Number(direct.port || 3306), user: first.username, password: first.password }),
    ).rejects.toMatchObject({ errno: ER_ACCESS_DENIED });
    await env.connector.client.revokeGrant('MY-5.1');
    expect(await refusal(first.username, first.password)).toBe(ER_ACCESS_DENIED);
    expect(await refusal(second.username, second.password)).toBeUndefined();
  });
});

describeWith('mysql', 'SQL gateway on the MySQL wire, recording in full', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl, { record: 'full' });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('records each statement as sent, literals and the server message included', async () => {
    const grant = await env.grant('MF-1.1');
    const session = await env.connect(grant.username, grant.password);
    await session.query("SELECT note FROM orders WHERE note = 'first'  ");
    await session.query('DELETE FROM orders WHERE id = 1').catch(() => undefined);
    await session.execute('SELECT id FROM orders WHERE note = ? OR id = ? OR blob_col = ? OR note = ?', ['first', 2, Buffer.from([1, 2]), null]);
    await session.end();
    const { body } = await env.activity('MF-1.1');
    expect(body.statements.map(({ sql, error, params }) => ({ sql, error, params }))).toEqual([
      { sql: "SELECT note FROM orders WHERE note = 'first'", error: null, params: undefined },
      { sql: 'DELETE FROM orders WHERE id = 1', error: expect.stringMatching(/^42000 DELETE command denied to user/), params: undefined },
      { sql: 'SELECT id FROM orders WHERE note = ? OR id = ? OR blob_col = ? OR note = ?', error: null, params: ['first', '2', '\\x0102', null] },
    ]);
  });
});
