import { describeWith } from '../../support/servers';
import { consoleQuery, gatewayConnector } from './support';

describeWith('postgres', 'POST /v1/grants/{id}/query for a download: a right of the level, recorded as an export', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let s: string;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl, {
      roles: (schema) => ({
        support: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`] },
        analyst: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`], export: true },
      }),
    });
    s = env.fixture.schema;
    await env.fixture.admin.query(`CREATE TABLE ${s}.customers (id int PRIMARY KEY, email text)`);
    await env.fixture.admin.query(`INSERT INTO ${s}.customers VALUES (1, 'ana@secret.example')`);
    Object.assign(env.target, { masking: { [`${s}.customers.email`]: 'email' } });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('a level without export: true is refused the download (nothing runs) but says so on every answer; one with it gets masked rows, recorded as session export', async () => {
    await env.grant('CE-1.1', { role: 'support' });
    expect(await consoleQuery(env.connector.url, 'CE-1.1', `SELECT email FROM ${s}.customers`)).toMatchObject({ status: 200, body: { rows: [['a***@secret.example']], exportable: false } });
    expect(await consoleQuery(env.connector.url, 'CE-1.1', `SELECT email FROM ${s}.customers`, { export: true })).toEqual({
      status: 422,
      body: { error: { code: 'statement_refused', message: 'the access level support may not download results (its level has no export: true)' } },
    });
    expect(await consoleQuery(env.connector.url, 'CE-1.1', 'SELECT 1', { export: 'yes' })).toMatchObject({ status: 400 });
    expect((await env.activity('CE-1.1')).body.statements.map((statement) => statement.session)).toEqual(['console']);

    await env.grant('CE-2.1', { role: 'analyst' });
    expect(await consoleQuery(env.connector.url, 'CE-2.1', `SELECT email FROM ${s}.customers`, { export: true })).toMatchObject({ status: 200, body: { rows: [['a***@secret.example']], exportable: true } });
    expect(await consoleQuery(env.connector.url, 'CE-2.1', `SELECT id FROM ${s}.customers`)).toMatchObject({ status: 200, body: { exportable: true } });
    expect((await env.activity('CE-2.1')).body.statements.map((statement) => statement.session)).toEqual(['export', 'console']);
  });
});
