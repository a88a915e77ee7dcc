import { describeWith } from '../../support/servers';
import { gatewayConnector, schemaOf } from './support';
import { mysqlGatewayConnector } from './mysql-support';

describeWith('postgres', 'GET /v1/grants/{id}/schema on a PostgreSQL gateway target', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let s: string;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl, {
      roles: (schema) => ({
        support: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON TABLE ${schema}.customers`, `SELECT ON TABLE ${schema}.customer_emails`, `SELECT (id, total) ON TABLE ${schema}.orders`] },
        'break-glass': { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON TABLE ${schema}.customers`, `SELECT ON TABLE ${schema}.customer_emails`], unmasked: true },
        wide: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`] },
      }),
    });
    s = env.fixture.schema;
    await env.fixture.admin.query(`CREATE TABLE ${s}.customers (id int PRIMARY KEY, name text, email text)`);
    await env.fixture.admin.query(`CREATE TABLE ${s}.secrets (id int PRIMARY KEY)`);
    await env.fixture.admin.query(`CREATE VIEW ${s}.customer_emails AS SELECT id, email FROM ${s}.customers`);
    Object.assign(env.target, { masking: { [`${s}.customers.email`]: 'email' } });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const ours = (body: Record<string, unknown>) => (body.tables as { schema: string }[]).filter((table) => table.schema === s);

  it("lists what the login may use, column privileges deciding, names the level's masked columns, and leaves out a view its masking refuses", async () => {
    await env.grant('SC-1.1', { role: 'support' });
    const { status, body } = await schemaOf(env.connector.url, 'SC-1.1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ defaultSchema: 'public', truncated: false });
    expect(ours(body)).toEqual([
      {
        schema: s,
        name: 'customers',
        columns: [
          { name: 'id', type: 'int4', masked: null },
          { name: 'name', type: 'text', masked: null },
          { name: 'email', type: 'text', masked: 'email' },
        ],
      },
      { schema: s, name: 'orders', columns: [{ name: 'id', type: 'int4', masked: null }, { name: 'total', type: 'numeric', masked: null }] },
    ]);
    // Nothing the requester ran: the record stays empty.
    expect((await env.activity('SC-1.1')).body.statements).toEqual([]);
  });

  it('shows an unmasked level the same column as it is', async () => {
    await env.grant('SC-2.1', { role: 'break-glass' });
    const { body } = await schemaOf(env.connector.url, 'SC-2.1');
    expect(ours(body)).toEqual([
      { schema: s, name: 'customer_emails', columns: [{ name: 'id', type: 'int4', masked: null }, { name: 'email', type: 'text', masked: null }] },
      { schema: s, name: 'customers', columns: [expect.objectContaining({ name: 'id' }), expect.objectContaining({ name: 'name' }), { name: 'email', type: 'text', masked: null }] },
    ]);
  });

  it("refuses a request signed for another grant's schema, an ended grant and a direct target", async () => {
    await env.grant('SC-3.1', { role: 'support' });
    await env.grant('SC-3.2', { role: 'support' });
    const forged = await schemaOf(env.connector.url, 'SC-3.2', 'SC-3.1');
    expect(forged).toEqual({ status: 401, body: { error: { code: 'bad_signature', message: expect.any(String) } } });
    await env.connector.client.revokeGrant('SC-3.2');
    const ended = await schemaOf(env.connector.url, 'SC-3.2');
    expect(ended.status).toBe(409);
    expect(ended.body.error?.code).toBe('grant_not_active');
    await env.connector.client.createGrant({ grantId: 'SC-3.3', target: env.direct.id, role: 'read', principal: { accountId: 'a', email: 'a@example.com', dbUser: null }, mode: 'ephemeral', notAfter: new Date(Date.now() + 600_000).toISOString(), ticket: 'SD-1', reason: 'test' });
    expect((await schemaOf(env.connector.url, 'SC-3.3')).body.error?.code).toBe('no_activity_record');
    expect((await schemaOf(env.connector.url, 'SC-9.9')).status).toBe(404);
  });

  it('lists at most 5000 columns and says the rest were left out', async () => {
    const columns = Array.from({ length: 1300 }, (_, index) => `c${index} int`).join(', ');
    for (const table of ['w1', 'w2', 'w3', 'w4']) await env.fixture.admin.query(`CREATE TABLE ${s}.${table} (${columns})`);
    await env.grant('SC-7.1', { role: 'wide' });
    const { body } = await schemaOf(env.connector.url, 'SC-7.1');
    const tables = body.tables as { name: string; columns: unknown[] }[];
    expect({ columns: tables.reduce((sum, table) => sum + table.columns.length, 0), truncated: body.truncated }).toEqual({ columns: 5000, truncated: true });
    for (const table of ['w1', 'w2', 'w3', 'w4']) await env.fixture.admin.query(`DROP TABLE ${s}.${table}`);
  });

  it('is read through the protocol client as well', async () => {
    await env.grant('SC-4.1', { role: 'support' });
    const schema = await env.connector.client.schema('SC-4.1');
    expect(schema.tables.filter((table) => table.schema === s).map((table) => table.name)).toEqual(['customers', 'orders']);
  });
});

describeWith('mysql', 'GET /v1/grants/{id}/schema on a MySQL gateway target', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl, {
      roles: (database) => ({
        support: { memberOf: [], privileges: [`SELECT ON ${database}.customers`, `SELECT ON ${database}.customer_names`, `SELECT (id, total) ON ${database}.orders`] },
        'break-glass': { memberOf: [], privileges: [`SELECT ON ${database}.customers`, `SELECT ON ${database}.customer_names`], unmasked: true },
      }),
    });
    await env.admin.query('CREATE TABLE ??.customers (id INT PRIMARY KEY, name VARCHAR(40), email VARCHAR(80))', [env.database]);
    await env.admin.query('CREATE VIEW ??.customer_names AS SELECT id, name FROM ??.customers', [env.database, env.database]);
    Object.assign(env.target, { masking: { [`${env.database}.customers.email`]: 'email' } });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it("lists what the login may use, column privileges deciding, names the level's masked columns, and leaves out the views its masking refuses", async () => {
    await env.grant('SC-5.1', { role: 'support' });
    const { status, body } = await schemaOf(env.connector.url, 'SC-5.1');
    expect(status).toBe(200);
    expect(body).toEqual({
      defaultSchema: env.database,
      tables: [
        {
          schema: env.database,
          name: 'customers',
          columns: [
            { name: 'id', type: 'int', masked: null },
            { name: 'name', type: 'varchar', masked: null },
            { name: 'email', type: 'varchar', masked: 'email' },
          ],
        },
        { schema: env.database, name: 'orders', columns: [{ name: 'id', type: 'int', masked: null }, { name: 'total', type: 'decimal', masked: null }] },
      ],
      truncated: false,
    });
    expect((await env.activity('SC-5.1')).body.statements).toEqual([]);
  });

  it('shows an unmasked level the column as it is, and refuses another grant signature and an ended grant', async () => {
    await env.grant('SC-6.1', { role: 'break-glass' });
    const { body } = await schemaOf(env.connector.url, 'SC-6.1');
    // In the server's collation's order, which need not be the code points'.
    expect(body.tables).toHaveLength(2);
    expect(body.tables).toEqual(expect.arrayContaining([
      { schema: env.database, name: 'customer_names', columns: [expect.objectContaining({ name: 'id' }), expect.objectContaining({ name: 'name' })] },
      { schema: env.database, name: 'customers', columns: [expect.objectContaining({ name: 'id' }), expect.objectContaining({ name: 'name' }), { name: 'email', type: 'varchar', masked: null }] },
    ]));
    await env.grant('SC-6.2', { role: 'support' });
    expect((await schemaOf(env.connector.url, 'SC-6.2', 'SC-6.1')).body.error?.code).toBe('bad_signature');
    await env.connector.client.revokeGrant('SC-6.2');
    expect(await schemaOf(env.connector.url, 'SC-6.2')).toMatchObject({ status: 409, body: { error: { code: 'grant_not_active' } } });
  });
});
