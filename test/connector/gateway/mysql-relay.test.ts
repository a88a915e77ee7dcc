import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createConnection, type FieldPacket } from 'mysql2';
import mysql from 'mysql2/promise';
import { describeWith } from '../../support/servers';
import { waitFor } from '../support/harness';
import { mysqlGatewayConnector } from './mysql-support';

/** What a client learns of a column: compared field by field with a direct connection's. */
const columnOf = (field: FieldPacket) => ({
  name: field.name,
  orgName: field.orgName,
  table: field.table,
  orgTable: field.orgTable,
  schema: field.schema,
  columnType: field.columnType,
  columnLength: field.columnLength,
  characterSet: field.characterSet,
  flags: field.flags,
  decimals: field.decimals,
});

const DIGITS = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
/** A query of 10^digits rows, n from 0, each with 100 bytes of padding; no table, so no privilege, needed. */
const rowsOf = (digits: number) => {
  const tables = Array.from({ length: digits }, (_, index) => `${DIGITS} AS d${index}`);
  const n = Array.from({ length: digits }, (_, index) => `d${index}.d * ${10 ** index}`).join(' + ');
  return `SELECT ${n} AS n, REPEAT('x', 100) AS pad FROM ${tables.join(' CROSS JOIN ')}`;
};

describeWith('mysql', 'SQL gateway on the MySQL wire: the database answers a level with nothing to mask in its own packets', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;
  let direct: mysql.Connection;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl);
    direct = await mysql.createConnection({ uri: adminUrl, database: env.database });
  });

  afterAll(async () => {
    await direct?.end();
    await env?.stop();
  });

  it('answers exactly as a direct connection does: column definitions, an insert of several rows, warnings', async () => {
    const grant = await env.grant('MR-1.1');
    const session = await env.connect(grant.username, grant.password);
    const select = 'SELECT id, total, note, blob_col, id * 2 AS twice FROM orders ORDER BY id';
    const [viaGateway, gatewayFields] = await session.query(select);
    const [directly, directFields] = await direct.query(select);
    expect(viaGateway).toEqual(directly);
    expect(gatewayFields.map(columnOf)).toEqual(directFields.map(columnOf));

    const [inserted] = await session.query('INSERT INTO orders (id, total) VALUES (10, 1), (11, 2)');
    const [insertedDirectly] = await direct.query('INSERT INTO orders (id, total) VALUES (12, 1), (13, 2)');
    expect(inserted).toEqual(insertedDirectly);
    expect(inserted).toMatchObject({ affectedRows: 2, info: expect.stringMatching(/^Records: 2 +Duplicates: 0 +Warnings: 0$/) });

    const [warned] = await session.query('INSERT IGNORE INTO orders (id, total) VALUES (10, 5)');
    const [warnedDirectly] = await direct.query('INSERT IGNORE INTO orders (id, total) VALUES (12, 5)');
    expect(warned).toEqual(warnedDirectly);
    expect(warned).toMatchObject({ affectedRows: 0, warningStatus: 1 });
    await session.end();
  });

  it('streams a large result at the pace of a slow client, and records every row', async () => {
    const grant = await env.grant('MR-2.1');
    const session = createConnection({ host: '127.0.0.1', port: env.port, user: grant.username, password: grant.password, database: env.database });
    let rows = 0;
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 16,
      write: (_row, _encoding, done) => {
        rows += 1;
        if (rows % 2000 === 0) setTimeout(done, 5);
        else done();
      },
    });
    await pipeline(session.query(rowsOf(5)).stream({ highWaterMark: 16 }), slow);
    expect(rows).toBe(100_000);
    const [[after]] = (await session.promise().query('SELECT 1 AS still')) as unknown as [[{ still: number }]];
    expect(after).toEqual({ still: 1 });
    await session.promise().end();
    const { body } = await env.activity('MR-2.1');
    expect(body.statements.map(({ rows: count, error }) => ({ rows: count, error }))).toEqual([
      { rows: 100_000, error: null },
      { rows: 1, error: null },
    ]);
  });

  it('ends a result cut off by the revoke mid-stream, and records it with the code that ended it', async () => {
    const grant = await env.grant('MR-3.1');
    const session = await env.connect(grant.username, grant.password);
    // The rows fill the server's network buffer and reach the client while the last one still sleeps.
    const running = session.query(`SELECT * FROM (${rowsOf(5)}) AS numbers WHERE n < 99999 OR SLEEP(5) = 0`).catch((error: unknown) => error);
    await waitFor(async () => ((await env.databaseSessions(grant.username)) === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 700));
    await env.connector.client.revokeGrant('MR-3.1');
    expect(await running).toBeInstanceOf(Error);
    expect(env.mysqlGateway.sessionCount('MR-3.1')).toBe(0);
    await waitFor(async () => ((await env.databaseSessions(grant.username)) === 0 ? true : undefined));
    const { body } = await env.activity('MR-3.1');
    expect(body.statements.map(({ rows, error }) => ({ rows, error }))).toEqual([{ rows: null, error: '70100' }]);
  });

  it('relays a prepared statement under the database id, and its close reaches the database', async () => {
    const grant = await env.grant('MR-4.1');
    const session = await env.connect(grant.username, grant.password);
    const sql = 'SELECT note FROM orders WHERE id = ?';
    expect((await session.execute(sql, [1]))[0]).toEqual([{ note: 'first' }]);
    await session.unprepare(sql);
    expect((await session.execute(sql, [2]))[0]).toEqual([{ note: null }]);
    const [status] = await session.query("SHOW SESSION STATUS LIKE 'Com_stmt_close'");
    expect(status).toEqual([{ Variable_name: 'Com_stmt_close', Value: '1' }]);
    await session.end();
    const { body } = await env.activity('MR-4.1');
    expect(body.statements.map(({ kind, rows }) => ({ kind, rows }))).toEqual([
      { kind: 'read', rows: 1 },
      { kind: 'read', rows: 1 },
      { kind: 'other', rows: 1 },
    ]);
  });
});
