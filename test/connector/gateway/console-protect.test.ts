import { describeWith } from '../../support/servers';
import { consoleQuery, gatewayConnector } from './support';
import { mysqlGatewayConnector } from './mysql-support';

const guardRefusal = (guard: string) => ({ status: 422, body: { error: { code: 'statement_refused', message: expect.stringContaining(`refused by the gateway's ${guard}`) } } });

describeWith('postgres', 'POST /v1/grants/{id}/query: guards and masking on a PostgreSQL target', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let s: string;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl, {
      roles: (schema) => ({
        ro: { memberOf: [], privileges: [`USAGE, CREATE ON SCHEMA ${schema}`, `SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA ${schema}`], guard: ['read-only'], unmasked: true },
        support: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`] },
        'break-glass': { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`], unmasked: true },
      }),
    });
    s = env.fixture.schema;
    for (const statement of [
      `CREATE TABLE ${s}.customers (id int PRIMARY KEY, name text, email text, ssn text)`,
      `INSERT INTO ${s}.customers VALUES (1, 'Ana', 'ana@secret.example', '123-45-6789'), (2, 'Bo', 'bo@secret.example', '987-65-4321')`,
      `CREATE FUNCTION ${s}.bump() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ INSERT INTO ${s}.customers VALUES (99, 'x', 'x', 'x') RETURNING 1 $$`,
    ]) {
      await env.fixture.admin.query(statement);
    }
    Object.assign(env.target, { masking: { [`${s}.customers.email`]: 'email', [`${s}.customers.ssn`]: 'hash' } });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const count = async () => Number((await env.fixture.admin.query(`SELECT count(*) FROM ${s}.customers`)).rows[0].count);

  it('read-only: refuses writes before they reach the database, records them blocked, and runs the session read-only', async () => {
    await env.grant('CP-1.1', { role: 'ro' });
    const run = (sql: string) => consoleQuery(env.connector.url, 'CP-1.1', sql);
    for (const sql of [`DELETE FROM ${s}.customers`, `TRUNCATE ${s}.customers`, "DO $$BEGIN EXECUTE 'DELETE FROM x'; END$$", `SELECT set_config('default_transaction_read_only', 'off', false)`, `COPY ${s}.customers FROM PROGRAM 'true'`]) {
      expect(await run(sql)).toEqual(guardRefusal('read-only guard'));
    }
    expect((await run(`SELECT name, email FROM ${s}.customers ORDER BY id`)).body).toMatchObject({ rows: [['Ana', 'ana@secret.example'], ['Bo', 'bo@secret.example']] });
    // A write the parser cannot see fails on the database: the console's session is read-only.
    const hidden = await run(`SELECT ${s}.bump()`);
    expect(hidden).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/^25006: /) } } });
    expect(await count()).toBe(2);
    const { body } = await env.activity('CP-1.1');
    expect(body.statements.filter((statement) => statement.blocked !== null).map(({ session, kind, blocked, error }) => ({ session, kind, blocked, error }))).toEqual([
      { session: 'console', kind: 'write', blocked: 'read-only', error: '42501' },
      { session: 'console', kind: 'write', blocked: 'read-only', error: '42501' },
      { session: 'console', kind: 'other', blocked: 'read-only', error: '42501' },
      { session: 'console', kind: 'read', blocked: 'read-only', error: '42501' },
      { session: 'console', kind: 'write', blocked: 'read-only', error: '42501' },
    ]);
  });

  it('masking: a masked level gets masked values and is refused what it could derive them from; an unmasked level sees them', async () => {
    await env.grant('CP-2.1', { role: 'support' });
    const run = (sql: string) => consoleQuery(env.connector.url, 'CP-2.1', sql);
    const all = await run(`SELECT * FROM ${s}.customers ORDER BY id`);
    expect(all.body).toMatchObject({ rows: [['1', 'Ana', 'a***@secret.example', expect.stringMatching(/^h:[0-9a-f]{16}$/)], ['2', 'Bo', 'b***@secret.example', expect.stringMatching(/^h:/)]] });
    const aliased = await run(`SELECT c.email AS contact, c.ssn FROM ${s}.customers c WHERE c.id = 1`);
    expect(aliased.body).toMatchObject({ rows: [['a***@secret.example', (all.body.rows as string[][])[0]?.[3]]] });
    for (const sql of [
      `SELECT upper(email) FROM ${s}.customers`,
      `SELECT email::varchar(3) FROM ${s}.customers`,
      `SELECT string_agg(email, ',') FROM ${s}.customers`,
      `SELECT id FROM ${s}.customers WHERE email LIKE 'ana%'`,
      `SELECT (SELECT email FROM ${s}.customers LIMIT 1)`,
      `WITH x AS (SELECT email FROM ${s}.customers) SELECT * FROM x`,
      `SELECT email FROM ${s}.customers UNION SELECT 'x'`,
      `SELECT row_to_json(c) FROM ${s}.customers c`,
      'SELECT * FROM pg_stats',
      `SELECT query_to_xml('SELECT email FROM ${s}.customers', true, true, '')`,
    ]) {
      expect({ sql, ...(await run(sql)) }).toEqual({ sql, ...guardRefusal('masking') });
    }
    const { body } = await env.activity('CP-2.1');
    expect(JSON.stringify(body)).not.toMatch(/ana@|bo@|123-45|987-65/);
    expect(body.statements.filter((statement) => statement.blocked === 'masking')).toHaveLength(10);

    await env.grant('CP-3.1', { role: 'break-glass' });
    expect((await consoleQuery(env.connector.url, 'CP-3.1', `SELECT email, ssn FROM ${s}.customers WHERE id = 1`)).body).toMatchObject({ rows: [['ana@secret.example', '123-45-6789']] });
  });
});

describeWith('mysql', 'POST /v1/grants/{id}/query: guards and masking on a MySQL/MariaDB target', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl, {
      roles: (database) => ({
        ro: { memberOf: [], privileges: [`ALL PRIVILEGES ON ${database}.*`], guard: ['read-only'], unmasked: true },
        careful: { memberOf: [], privileges: [`ALL PRIVILEGES ON ${database}.*`], guard: ['no-drop', 'no-unqualified-write'], unmasked: true },
        support: { memberOf: [], privileges: [`SELECT ON ${database}.*`] },
      }),
    });
    await env.admin.query('CREATE FUNCTION ??.bump() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO orders (id, total) VALUES (99, 0); RETURN 1; END', [env.database]);
    Object.assign(env.target, { masking: { [`${env.database}.orders.note`]: 'partial' } });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const orders = async () => (await env.admin.query('SELECT id, total, note FROM ??.orders ORDER BY id', [env.database]))[0];

  it('refuses what the guards refuse, runs nothing of it, records it blocked, and runs a read-only level read-only', async () => {
    const before = await orders();
    await env.grant('CP-4.1', { role: 'ro' });
    const run = (sql: string) => consoleQuery(env.connector.url, 'CP-4.1', sql);
    for (const sql of ['DELETE FROM orders', '/*!DELETE FROM orders*/', 'CALL wipe()', "SELECT * FROM orders INTO OUTFILE '/tmp/jit-console'", 'SET @@session.tx_read_only = 0', 'HANDLER orders OPEN']) {
      expect({ sql, ...(await run(sql)) }).toEqual({ sql, ...guardRefusal('read-only guard') });
    }
    expect((await run('SELECT id FROM orders ORDER BY id')).body).toMatchObject({ rows: [['1'], ['2']] });
    expect(await run('SELECT bump()')).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/^25006: /) } } });

    await env.grant('CP-5.1', { role: 'careful' });
    for (const sql of ['UPDATE orders SET total = 0', 'DROP TABLE secrets', 'TRUNCATE orders']) {
      expect(await consoleQuery(env.connector.url, 'CP-5.1', sql)).toEqual(guardRefusal(sql.startsWith('UPDATE') ? 'no-unqualified-write guard' : 'no-drop guard'));
    }
    expect(await orders()).toEqual(before);
    const { body } = await env.activity('CP-4.1');
    expect(body.statements.filter((statement) => statement.blocked !== null).map(({ kind, blocked, error }) => ({ kind, blocked, error }))).toEqual([
      { kind: 'write', blocked: 'read-only', error: '42000' },
      ...Array.from({ length: 5 }, () => ({ kind: expect.any(String), blocked: 'read-only', error: '42000' })),
    ]);
  });

  it('masks a masked level\'s rows and refuses what it could derive them from', async () => {
    await env.grant('CP-6.1', { role: 'support' });
    expect((await consoleQuery(env.connector.url, 'CP-6.1', 'SELECT id, note FROM orders ORDER BY id')).body).toMatchObject({ rows: [['1', 'f***t'], ['2', null]] });
    expect(await consoleQuery(env.connector.url, 'CP-6.1', 'SELECT UPPER(note) FROM orders')).toEqual(guardRefusal('masking'));
    const { body } = await env.activity('CP-6.1');
    expect(body.statements.map(({ session, blocked, error }) => ({ session, blocked, error }))).toEqual([
      { session: 'console', blocked: null, error: null },
      { session: 'console', blocked: 'masking', error: '42000' },
    ]);
  });
});
