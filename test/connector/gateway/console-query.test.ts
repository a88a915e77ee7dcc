import { describeWith } from '../../support/servers';
import { consoleQuery, gatewayConnector } from './support';
import { mysqlGatewayConnector } from './mysql-support';

describeWith('postgres', 'POST /v1/grants/{id}/query on a PostgreSQL gateway target', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('runs one statement as the grant, answers values as text, and records it normalized under the grant', async () => {
    await env.grant('CQ-1.1');
    const { status, body } = await consoleQuery(env.connector.url, 'CQ-1.1', `SELECT id, total, 'secret-literal' AS label FROM ${env.fixture.schema}.orders WHERE id = 2`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ columns: [{ name: 'id', type: 'int4' }, { name: 'total', type: 'numeric' }, { name: 'label', type: 'text' }], rows: [['2', '20', 'secret-literal']], rowCount: 1, truncated: false });
    const insert = await consoleQuery(env.connector.url, 'CQ-1.1', `INSERT INTO ${env.fixture.schema}.orders VALUES (30, 3)`);
    expect(insert.body).toMatchObject({ columns: [], rows: [], rowCount: 1, truncated: false });
    const { body: activity } = await env.activity('CQ-1.1');
    expect(activity.statements.map(({ session, kind, sql, rows }) => ({ session, kind, sql, rows }))).toEqual([
      { session: 'console', kind: 'read', sql: `SELECT id, total, $1 AS label FROM ${env.fixture.schema}.orders WHERE id = $2`, rows: 1 },
      { session: 'console', kind: 'write', sql: `INSERT INTO ${env.fixture.schema}.orders VALUES ($1, $2)`, rows: 1 },
    ]);
  });

  it('keeps at most 500 rows and says the rest was cut off', async () => {
    await env.grant('CQ-2.1');
    const { body } = await consoleQuery(env.connector.url, 'CQ-2.1', 'SELECT g FROM generate_series(1, 1234) AS g');
    expect(body).toMatchObject({ rowCount: 1234, truncated: true });
    expect((body.rows as string[][]).length).toBe(500);
    expect((body.rows as string[][]).at(-1)).toEqual(['500']);
  });

  it("answers the database's refusal with 422, records it, and refuses several statements, running none", async () => {
    await env.grant('CQ-3.1');
    const refused = await consoleQuery(env.connector.url, 'CQ-3.1', `DELETE FROM ${env.fixture.schema}.orders`);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({ code: 'statement_refused', message: expect.stringMatching(/^42501: permission denied for table orders/) });
    const several = await consoleQuery(env.connector.url, 'CQ-3.1', `SELECT 1; DELETE FROM ${env.fixture.schema}.orders`);
    expect(several).toEqual({ status: 422, body: { error: { code: 'statement_refused', message: 'send exactly one statement' } } });
    expect((await consoleQuery(env.connector.url, 'CQ-3.1', '')).status).toBe(400);
    const { body: activity } = await env.activity('CQ-3.1');
    expect(activity.statements.map(({ sql, error }) => ({ sql, error }))).toEqual([{ sql: `DELETE FROM ${env.fixture.schema}.orders`, error: '42501' }]);
  });

  it('refuses a grant that is not active (409) and a direct target (404), running nothing', async () => {
    await env.grant('CQ-4.1');
    await env.connector.client.revokeGrant('CQ-4.1');
    const revoked = await consoleQuery(env.connector.url, 'CQ-4.1', 'SELECT 1');
    expect(revoked.status).toBe(409);
    expect(revoked.body.error?.code).toBe('grant_not_active');
    await env.connector.client.createGrant({ grantId: 'CQ-4.2', target: env.direct.id, role: 'read', principal: { accountId: 'a', email: 'a@example.com', dbUser: null }, mode: 'ephemeral', notAfter: new Date(Date.now() + 600_000).toISOString(), ticket: 'SD-1', reason: 'test' });
    const direct = await consoleQuery(env.connector.url, 'CQ-4.2', 'SELECT 1');
    expect(direct.status).toBe(404);
    expect(direct.body.error?.code).toBe('no_activity_record');
    expect((await env.activity('CQ-4.1')).body.statements).toEqual([]);
  });
});

describeWith('mysql', 'POST /v1/grants/{id}/query on a MySQL gateway target', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('runs one statement as the grant, answers the refusal with 422, and records both', async () => {
    await env.grant('CQ-5.1');
    const { status, body } = await consoleQuery(env.connector.url, 'CQ-5.1', "SELECT id, total, note FROM orders WHERE note = 'first'");
    expect(status).toBe(200);
    expect(body).toMatchObject({ columns: [{ name: 'id', type: 'long' }, { name: 'total', type: 'newdecimal' }, { name: 'note', type: 'var_string' }], rows: [['1', '10.00', 'first']], rowCount: 1, truncated: false });
    const refused = await consoleQuery(env.connector.url, 'CQ-5.1', 'SELECT * FROM secrets');
    expect(refused.status).toBe(422);
    expect(refused.body.error?.message).toMatch(/^42000: SELECT command denied/);
    const { body: activity } = await env.activity('CQ-5.1');
    expect(activity.statements.map(({ session, sql, rows, error }) => ({ session, sql, rows, error }))).toEqual([
      { session: 'console', sql: 'SELECT `id`, `total`, `note` FROM `orders` WHERE `note` = ?', rows: 1, error: null },
      { session: 'console', sql: 'SELECT * FROM `secrets`', rows: null, error: '42000' },
    ]);
  });
});
