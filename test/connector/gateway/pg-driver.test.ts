import { describeWith } from '../../support/servers';
import { gatewayConnector } from './support';

describeWith('postgres', 'SQL gateway with the node pg driver', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('tells the requester the gateway, and the gateway credential is not the login password', async () => {
    const created = await env.grant('GW-1.1');
    expect(created.connect).toEqual({ host: '127.0.0.1', port: env.port, database: env.fixture.target.url.split('/').at(-1) });
    await expect(env.fixture.login(created.username, created.password)).rejects.toMatchObject({ code: '28P01' });
    const client = await env.connect(created.username, created.password);
    const { rows } = await client.query(`SELECT id, total::text FROM ${env.fixture.schema}.orders WHERE id = $1`, [1]);
    expect(rows).toEqual([{ id: 1, total: '10' }]);
    const simple = await client.query(`SELECT count(*)::int AS n FROM ${env.fixture.schema}.orders WHERE total > 5`);
    expect(simple.rows).toEqual([{ n: 2 }]);
    await client.end();
    const { status, body } = await env.activity('GW-1.1');
    expect(status).toBe(200);
    expect(body.statements.map(({ kind, sql, tables, rows, error }) => ({ kind, sql, tables, rows, error }))).toEqual([
      { kind: 'read', sql: `SELECT id, total::text FROM ${env.fixture.schema}.orders WHERE id = $1`, tables: [`${env.fixture.schema}.orders`], rows: 1, error: null },
      { kind: 'read', sql: `SELECT count(*)::int AS n FROM ${env.fixture.schema}.orders WHERE total > $1`, tables: [`${env.fixture.schema}.orders`], rows: 1, error: null },
    ]);
    expect(body.statements[0]).not.toHaveProperty('params');
    await env.connector.client.revokeGrant('GW-1.1');
  });
});
