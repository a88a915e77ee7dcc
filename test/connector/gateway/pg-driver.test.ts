import { Client } from 'pg';
import { newCredentialKeyPair, openCredential } from '../../../src/protocol';
import { inSeconds, waitFor } from '../support/harness';
import { describeWith } from '../../support/servers';
import { gatewayConnector, principal } from './support';

describeWith('postgres', 'SQL gateway with the node pg driver', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let orders: string;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl);
    orders = `${env.fixture.schema}.orders`;
  });

  afterAll(async () => {
    await env?.stop();
  });

  const shape = (statements: { kind: string; sql: string | null; tables: string[]; rows: number | null; error: string | null }[]) =>
    statements.map(({ kind, sql, tables, rows, error }) => ({ kind, sql, tables, rows, error }));

  it('tells the requester the gateway, and the gateway credential is not the login password', async () => {
    const created = await env.grant('GW-1.1');
    expect(created.connect).toEqual({ host: '127.0.0.1', port: env.port, database: env.database });
    await expect(env.fixture.login(created.username, created.password)).rejects.toMatchObject({ code: '28P01' });
    const client = await env.connect(created.username, created.password);
    expect((await client.query(`SELECT id, total::text FROM ${orders} WHERE id = $1`, [1])).rows).toEqual([{ id: 1, total: '10' }]);
    expect((await client.query(`SELECT count(*)::int AS n FROM ${orders} WHERE total > 5`)).rows).toEqual([{ n: 2 }]);
    await client.end();
    const { status, body } = await env.activity('GW-1.1');
    expect(status).toBe(200);
    expect(shape(body.statements)).toEqual([
      { kind: 'read', sql: `SELECT id, total::text FROM ${orders} WHERE id = $1`, tables: [orders], rows: 1, error: null },
      { kind: 'read', sql: `SELECT count(*)::int AS n FROM ${orders} WHERE total > $1`, tables: [orders], rows: 1, error: null },
    ]);
    expect(body.statements[0]).not.toHaveProperty('params');
    await env.connector.client.revokeGrant('GW-1.1');
  });

  it('answers with the credential sealed to the caller only; a repeat answers the same sealed credential and rotates nothing', async () => {
    const pair = await newCredentialKeyPair();
    const request = { grantId: 'GW-1.2', target: env.target.id, role: 'read', principal, mode: 'ephemeral' as const, notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test', credentialKey: pair.publicKey };
    // The client parses the answer strictly: a plaintext secret beside `credential` would be refused.
    const first = await env.connector.client.createGrant(request);
    const opened = await openCredential(first.credential ?? '', pair.privateKey);
    expect(opened.username).toBe(first.username);
    const before = await env.connect(opened.username, opened.password);
    const repeated = await env.connector.client.createGrant(request);
    expect(repeated).toEqual(first);
    const after = await env.connect(opened.username, opened.password);
    for (const client of [before, after]) expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await Promise.all([before.end(), after.end()]);
    await env.connector.client.revokeGrant('GW-1.2');
  });

  it('records exactly what ran: writes, DDL, several statements in one query, prepared statements, errors; literals never', async () => {
    const created = await env.grant('GW-2.1');
    const client = await env.connect(created.username, created.password);
    await client.query(`INSERT INTO ${orders} VALUES (100, 1000); UPDATE ${orders} SET total = 1001 WHERE id = 100`);
    const named = { name: 'by-id', text: `SELECT total::text FROM ${orders} WHERE id = $1` };
    expect((await client.query({ ...named, values: [100] })).rows).toEqual([{ total: '1001' }]);
    expect((await client.query({ ...named, values: [2] })).rows).toEqual([{ total: '20' }]);
    await expect(client.query(`DELETE FROM ${orders} WHERE id = 'secret-literal'`)).rejects.toMatchObject({ code: '22P02' });
    await expect(client.query(`CREATE TABLE ${env.fixture.schema}.t (x int)`)).rejects.toMatchObject({ code: '42501' });
    await expect(client.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
    await client.query('');
    await client.end();

    const { body } = await env.activity('GW-2.1');
    expect(shape(body.statements)).toEqual([
      { kind: 'write', sql: `INSERT INTO ${orders} VALUES ($1, $2)`, tables: [orders], rows: 1, error: null },
      { kind: 'write', sql: `UPDATE ${orders} SET total = $1 WHERE id = $2`, tables: [orders], rows: 1, error: null },
      { kind: 'read', sql: `SELECT total::text FROM ${orders} WHERE id = $1`, tables: [orders], rows: 1, error: null },
      { kind: 'read', sql: `SELECT total::text FROM ${orders} WHERE id = $1`, tables: [orders], rows: 1, error: null },
      { kind: 'write', sql: `DELETE FROM ${orders} WHERE id = $1`, tables: [orders], rows: null, error: '22P02' },
      { kind: 'ddl', sql: `CREATE TABLE ${env.fixture.schema}.t (x int)`, tables: [`${env.fixture.schema}.t`], rows: null, error: '42501' },
      { kind: 'other', sql: null, tables: [], rows: null, error: '42601' },
    ]);
    expect(JSON.stringify(body)).not.toContain('secret-literal');
    expect(new Set(body.statements.map((statement) => statement.session)).size).toBe(1);
    expect(body.digest).toEqual({
      sessions: 1,
      statements: 7,
      byKind: { read: 2, write: 3, ddl: 1, other: 1 },
      tables: [`${env.fixture.schema}.orders`, `${env.fixture.schema}.t`],
      blocked: 0,
      errors: 3,
      first: body.statements[0]?.at,
      last: body.statements[6]?.at,
    });
    await env.connector.client.revokeGrant('GW-2.1');
  });

  it('cancels a running query through the gateway, and the record shows it cancelled', async () => {
    const created = await env.grant('GW-3.1');
    const client = await env.connect(created.username, created.password);
    const sleeping = client.query('SELECT pg_sleep(30)');
    await waitFor(async () => ((await env.fixture.admin.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND state = 'active'", [created.username])).rowCount ? true : undefined));
    const canceller = new Client(env.config(created.username, created.password));
    // pg's own cancel: a new connection to the gateway carrying the cancel key the gateway gave this session.
    (canceller as unknown as { cancel(client: Client, query: unknown): void }).cancel(client, Reflect.get(client, 'activeQuery'));
    await expect(sleeping).rejects.toMatchObject({ code: '57014' });
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    const { body } = await env.activity('GW-3.1');
    expect(shape(body.statements)).toEqual([
      { kind: 'read', sql: 'SELECT pg_sleep($1)', tables: [], rows: null, error: '57014' },
      { kind: 'read', sql: 'SELECT $1 AS one', tables: [], rows: 1, error: null },
    ]);
    await env.connector.client.revokeGrant('GW-3.1');
  });

  it('closes every session of a grant at revoke, and its credential stops working', async () => {
    const created = await env.grant('GW-4.1');
    const sessions = await Promise.all([env.connect(created.username, created.password), env.connect(created.username, created.password)]);
    await Promise.all(sessions.map((session) => session.query('SELECT 1')));
    expect(env.gateway.postgres?.sessionCount('GW-4.1')).toBe(2);
    expect(await env.databaseSessions(created.username)).toBe(2);
    // pg hands the FATAL to the running query of a busy session, and to the 'error' event of an idle one.
    const idleError = new Promise((resolve) => sessions[1]?.once('error', resolve));
    const running = sessions[0]?.query('SELECT pg_sleep(30)').catch((error: unknown) => error);
    await waitFor(async () => ((await env.fixture.admin.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND state = 'active'", [created.username])).rowCount ? true : undefined));

    expect(await env.connector.client.revokeGrant('GW-4.1')).toMatchObject({ state: 'revoked' });
    expect(await running).toMatchObject({ code: '57P01' });
    expect(env.gateway.postgres?.sessionCount('GW-4.1')).toBe(0);
    expect(await idleError).toMatchObject({ code: '57P01' });
    expect(await env.databaseSessions(created.username)).toBe(0);
    await expect(env.connect(created.username, created.password)).rejects.toMatchObject({ code: '28000' });
    // The statement that was running when access ended is on the record, ended by the gateway.
    const { body } = await env.activity('GW-4.1');
    expect(shape(body.statements).at(-1)).toEqual({ kind: 'read', sql: 'SELECT pg_sleep($1)', tables: [], rows: null, error: '57P01' });
    expect(body.statements).toHaveLength(3);
  });

  it("refuses a wrong password, another grant's credential, an unknown user and an expired grant, all alike", async () => {
    const mine = await env.grant('GW-5.1');
    const theirs = await env.grant('GW-5.2');
    await expect(env.connect(mine.username, `${mine.password}x`)).rejects.toMatchObject({ code: '28000' });
    await expect(env.connect(mine.username, theirs.password)).rejects.toMatchObject({ code: '28000' });
    await expect(env.connect('jit_nobody_here', mine.password)).rejects.toMatchObject({ code: '28000' });
    await expect(env.connect(mine.username, mine.password, { database: 'postgres' })).rejects.toMatchObject({ code: '3D000' });

    const short = await env.grant('GW-5.3', { notAfter: inSeconds(2) });
    const session = await env.connect(short.username, short.password);
    const ended = new Promise((resolve) => session.once('error', resolve));
    await waitFor(async () => ((await env.connector.client.getGrant('GW-5.3')).state === 'expired' ? true : undefined));
    // Ended by the gateway itself, before the expiry's cut-off reached the database session.
    expect(await ended).toMatchObject({ code: '57P01', message: expect.stringContaining('access ended') });
    await expect(env.connect(short.username, short.password)).rejects.toMatchObject({ code: '28000' });
    expect((await env.activity('GW-5.1')).body.statements).toEqual([]);
    await env.connector.client.revokeGrant('GW-5.1');
    await env.connector.client.revokeGrant('GW-5.2');
  });

  it("passes the client's application_name and options to its database session, and never a replication request", async () => {
    const created = await env.grant('GW-7.1');
    const client = await env.connect(created.username, created.password, { application_name: 'ana-laptop', options: `-c search_path=${env.fixture.schema}`, replication: 'database' });
    const { rows } = await client.query("SELECT current_setting('application_name') AS app, current_setting('search_path') AS path, count(*)::int AS n FROM orders");
    expect(rows).toEqual([{ app: 'ana-laptop', path: env.fixture.schema, n: expect.any(Number) }]);
    const { rows: activity } = await env.fixture.admin.query('SELECT backend_type, application_name FROM pg_stat_activity WHERE usename = $1', [created.username]);
    expect(activity).toEqual([{ backend_type: 'client backend', application_name: 'ana-laptop' }]);
    await client.end();
    expect((await env.activity('GW-7.1')).body.statements[0]?.tables).toEqual(['orders']);
    await env.connector.client.revokeGrant('GW-7.1');
  });

  it('pages a long record by next; a direct target has no activity record; existing-login mode is refused', async () => {
    const created = await env.grant('GW-6.1');
    const client = await env.connect(created.username, created.password);
    await client.query(Array.from({ length: 501 }, (_, index) => `SELECT ${index}`).join(';'));
    await client.end();
    const first = await env.activity('GW-6.1');
    expect(first.body.statements).toHaveLength(500);
    expect(first.body.digest.statements).toBe(501);
    expect(first.body.next).toBe('500');
    const second = await env.activity('GW-6.1', first.body.next ?? '');
    expect(second.body.statements.map((statement) => statement.sql)).toEqual(['SELECT $1']);
    expect(second.body.next).toBeNull();
    await env.connector.client.revokeGrant('GW-6.1');

    await env.connector.client.createGrant({ grantId: 'GW-6.2', target: env.direct.id, role: 'read', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test' });
    const direct = await env.activity('GW-6.2');
    expect({ status: direct.status, code: direct.body.error?.code }).toEqual({ status: 404, code: 'no_activity_record' });
    await env.connector.client.revokeGrant('GW-6.2');
    expect((await env.activity('GW-none')).status).toBe(404);
    await expect(env.grant('GW-6.3', { mode: 'existing-login', principal: { ...principal, dbUser: 'someone' } })).rejects.toMatchObject({ status: 400, code: 'bad_request' });
  });
});
