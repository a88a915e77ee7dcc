import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from 'pg';
import { describeWith } from '../../support/servers';
import { inSeconds } from '../support/harness';
import { gatewayConnector, principal } from './support';

const run = promisify(execFile);

/** The raw values behind the masked columns: none of them may appear in anything a masked level gets. */
const SECRETS = ['ana@', 'bo@', '0101', '0102', '123-45', '987-65', 'vip', 'late payer'];

type Outcome = { code: string; message: string } | { rows: unknown[] };

async function outcome(client: Client, text: string, values?: unknown[]): Promise<Outcome> {
  try {
    return { rows: (await client.query(text, values)).rows };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? 'none', message };
  }
}

/**
 * The evasion corpus (docs/connector.md, "Masking"): every way we know to get at a masked column's values through
 * the gateway, as a masked level. Each attempt either gets the values masked or is refused before it reaches the
 * database; none gets a raw value. The same statements as an unmasked level see the values in the clear.
 */
describeWith('postgres', 'SQL gateway masking: the evasion corpus on the real server', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let s: string;
  let masked: Client;
  let maskedCredential: { username: string; password: string };

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl, {
      roles: (schema) => ({
        support: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`] },
        'break-glass': { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`], unmasked: true },
      }),
    });
    s = env.fixture.schema;
    for (const statement of [
      `CREATE TABLE ${s}.customers (id int PRIMARY KEY, name text, email text, phone varchar(20), ssn text, note text)`,
      `INSERT INTO ${s}.customers VALUES (1, 'Ana', 'ana@secret.example', '+1 555 0101', '123-45-6789', 'vip'), (2, 'Bo', 'bo@secret.example', '+1 555 0102', '987-65-4321', 'late payer')`,
      `ANALYZE ${s}.customers`,
      `CREATE VIEW ${s}.customer_emails AS SELECT id, email FROM ${s}.customers`,
      `CREATE VIEW ${s}.nested_emails AS SELECT * FROM ${s}.customer_emails`,
      `CREATE FUNCTION ${s}.emails() RETURNS SETOF text LANGUAGE sql AS $$ SELECT email FROM ${s}.customers $$`,
    ]) {
      await env.fixture.admin.query(statement);
    }
    // The target's masking, set on the config the connector already runs with (the schema's name is only known now).
    Object.assign(env.target, {
      masking: { [`${s}.customers.email`]: 'email', [`${s}.customers.phone`]: 'partial', [`${s}.customers.ssn`]: 'hash', [`${s}.customers.note`]: 'null' },
    });
    const grant = await grantAs('MK-1.1', 'support');
    masked = grant.client;
    maskedCredential = grant;
  });

  afterAll(async () => {
    await masked?.end();
    await env?.stop();
  });

  async function grantAs(grantId: string, role: string): Promise<{ client: Client; username: string; password: string }> {
    const created = await env.connector.client.createGrant({ grantId, target: env.target.id, role, principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test' });
    const password = created.password ?? '';
    return { client: await env.connect(created.username, password), username: created.username, password };
  }

  const refused = { code: '42501', message: expect.stringContaining("refused by the gateway's masking") };

  it('masks the masked columns selected as they are, whatever the protocol path', async () => {
    const c = `${s}.customers`;
    const ana = { id: 1, name: 'Ana', email: 'a***@secret.example', phone: '+***1', ssn: expect.stringMatching(/^h:[0-9a-f]{16}$/), note: null };
    const all = await outcome(masked, `SELECT * FROM ${c} ORDER BY id`);
    expect(all).toEqual({ rows: [ana, { id: 2, name: 'Bo', email: 'b***@secret.example', phone: '+***2', ssn: expect.stringMatching(/^h:/), note: null }] });
    expect(await outcome(masked, `TABLE ${c} LIMIT 1`)).toEqual({ rows: [ana] });
    expect(await outcome(masked, `SELECT ${c}.* FROM ${c} WHERE id = 1`)).toEqual({ rows: [ana] });
    expect(await outcome(masked, `SELECT id, email AS contact, (phone) FROM ${c} WHERE id = 1`)).toEqual({ rows: [{ id: 1, contact: 'a***@secret.example', phone: '+***1' }] });
    // Extended protocol: unnamed and named prepared statements, the named one executed again without a new Parse.
    expect(await outcome(masked, `SELECT email, ssn FROM ${c} WHERE id = $1`, [1])).toEqual({ rows: [{ email: 'a***@secret.example', ssn: ana.ssn }] });
    const named = { name: 'by-id', text: `SELECT x.email FROM ${c} x WHERE x.id = $1`, values: [2] };
    expect((await masked.query(named)).rows).toEqual([{ email: 'b***@secret.example' }]);
    expect((await masked.query(named)).rows).toEqual([{ email: 'b***@secret.example' }]);
    // The hash is stable within the connector's run: equal values can be matched, not read.
    const first = await masked.query(`SELECT ssn FROM ${c} ORDER BY id`);
    const second = await masked.query({ text: `SELECT ssn FROM ${c} ORDER BY id`, values: [] });
    expect(second.rows).toEqual(first.rows);
    expect(JSON.stringify(first.rows)).not.toContain('123-45');
  });

  it('masks what psql shows, and refuses its \\copy', async () => {
    const psql = (command: string) =>
      run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-h', '127.0.0.1', '-p', String(env.port), '-U', maskedCredential.username, '-d', env.database, '-c', command], {
        env: { ...process.env, PGPASSWORD: maskedCredential.password, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '10' },
      });
    expect((await psql(`SELECT email, phone, note FROM ${s}.customers ORDER BY id`)).stdout).toBe('a***@secret.example|+***1|\nb***@secret.example|+***2|\n');
    await expect(psql(`\\copy ${s}.customers TO STDOUT`)).rejects.toMatchObject({ stderr: expect.stringContaining("refused by the gateway's masking: COPY cannot mask its rows") });
  });

  const corpus: [string, (schema: string) => string][] = [
    ['an expression', (x) => `SELECT upper(email) FROM ${x}.customers`],
    ['a cast', (x) => `SELECT email::varchar(3) FROM ${x}.customers`],
    ['a cast that fails, showing the value in the error', (x) => `SELECT email::int FROM ${x}.customers`],
    ['a collation', (x) => `SELECT email COLLATE "C" FROM ${x}.customers`],
    ['an aggregate', (x) => `SELECT string_agg(email, ',') FROM ${x}.customers`],
    ['row_to_json of the row', (x) => `SELECT row_to_json(c) FROM ${x}.customers c`],
    ['to_json of c.*', (x) => `SELECT to_json(c.*) FROM ${x}.customers c`],
    ['the whole row', (x) => `SELECT c FROM ${x}.customers c`],
    ['a field of the whole row', (x) => `SELECT (c).email FROM ${x}.customers c`],
    ['a scalar subquery', (x) => `SELECT (SELECT email FROM ${x}.customers LIMIT 1)`],
    ['a subquery in FROM', (x) => `SELECT * FROM (SELECT * FROM ${x}.customers) t`],
    ['a CTE', (x) => `WITH t AS (SELECT email FROM ${x}.customers) SELECT * FROM t`],
    ['a set operation', (x) => `SELECT email FROM ${x}.customers UNION SELECT 'x'`],
    ['a WHERE oracle', (x) => `SELECT id FROM ${x}.customers WHERE email LIKE 'ana%'`],
    ['an ORDER BY oracle', (x) => `SELECT id FROM ${x}.customers ORDER BY email`],
    ['an ORDER BY position', (x) => `SELECT email FROM ${x}.customers ORDER BY 1`],
    ['a join on the column', (x) => `SELECT a.id FROM ${x}.customers a JOIN ${x}.customers b ON a.email = b.email`],
    ['a join USING the column', (x) => `SELECT id FROM ${x}.customers JOIN (VALUES ('ana@secret.example')) g(email) USING (email)`],
    ['a NATURAL JOIN', (x) => `SELECT id FROM ${x}.customers NATURAL JOIN (VALUES ('ana@secret.example')) g(email)`],
    ['a write whose error would show the row', (x) => `UPDATE ${x}.customers SET name = NULL WHERE id = 1`],
    ['a write in a CTE', (x) => `WITH w AS (DELETE FROM ${x}.customers WHERE id = 9 RETURNING id) SELECT * FROM w`],
    ['EXPLAIN with a filter', (x) => `EXPLAIN SELECT id FROM ${x}.customers WHERE email = 'x'`],
    ['a view over it', (x) => `SELECT * FROM ${x}.customer_emails`],
    ['a view over a view', (x) => `SELECT id FROM ${x}.nested_emails`],
    ['a function reading it', (x) => `SELECT * FROM ${x}.emails()`],
    ['query_to_xml', (x) => `SELECT query_to_xml('SELECT email FROM ${x}.customers', true, false, '')`],
    ['table_to_xml', (x) => `SELECT table_to_xml('${x}.customers', true, false, '')`],
    ['COPY TO', (x) => `COPY ${x}.customers TO STDOUT`],
    ['COPY (SELECT …) TO', (x) => `COPY (SELECT email FROM ${x}.customers) TO STDOUT`],
    ['pg_stats', (x) => `SELECT most_common_vals::text FROM pg_stats WHERE schemaname = '${x}'`],
    ['pg_statistic', () => 'SELECT stavalues1::text FROM pg_statistic'],
    ['a cursor', (x) => `DECLARE k CURSOR WITH HOLD FOR SELECT upper(email) FROM ${x}.customers`],
    ['PREPARE', (x) => `PREPARE q AS SELECT lower(email) FROM ${x}.customers`],
    ['a second statement in the string', (x) => `SELECT 1; SELECT upper(email) FROM ${x}.customers`],
    ['a temporary view', (x) => `CREATE TEMP VIEW mine AS SELECT email FROM ${x}.customers`],
    ['a function of its own', (x) => `CREATE FUNCTION pg_temp.f() RETURNS SETOF text LANGUAGE sql AS 'SELECT email FROM ${x}.customers'`],
    ['a DO block', (x) => `DO $$ BEGIN RAISE NOTICE '%', (SELECT email FROM ${x}.customers LIMIT 1); END $$`],
    ['a statement that does not parse', () => 'SELEC email FROM customers'],
  ];

  it.each(corpus)('refuses %s', async (_, statement) => {
    const result = await outcome(masked, statement(s));
    expect(result).toEqual(refused);
    expect(SECRETS.filter((secret) => JSON.stringify(result).includes(secret))).toEqual([]);
  });

  it('refuses the same through the extended protocol', async () => {
    expect(await outcome(masked, `SELECT id FROM ${s}.customers WHERE email = $1`, ['ana@secret.example'])).toEqual(refused);
    expect(await outcome(masked, `SELECT upper(email) FROM ${s}.customers WHERE id = $1`, [1])).toEqual(refused);
  });

  it('lets through what shows no masked value, and records every refusal', async () => {
    expect(await outcome(masked, `SELECT id, name FROM ${s}.customers ORDER BY name`)).toEqual({ rows: [{ id: 1, name: 'Ana' }, { id: 2, name: 'Bo' }] });
    expect(await outcome(masked, `SELECT count(*)::int AS n FROM ${s}.customers`)).toEqual({ rows: [{ n: 2 }] });
    expect(await outcome(masked, `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'customers' AND column_name = 'email'`, [s])).toEqual({
      rows: [{ column_name: 'email' }],
    });
    const { body } = await env.activity('MK-1.1');
    expect(body.statements.filter((statement) => statement.blocked === 'masking').length).toBe(corpus.length + 3); // the corpus, the two extended-protocol attempts and psql's \copy
    expect(JSON.stringify(body)).not.toContain('ana@secret');
  });

  it('an unmasked level sees the values in the clear', async () => {
    const { client: clear } = await grantAs('MK-2.1', 'break-glass');
    expect(await outcome(clear, `SELECT email, phone, note FROM ${s}.customers WHERE id = 1`)).toEqual({ rows: [{ email: 'ana@secret.example', phone: '+1 555 0101', note: 'vip' }] });
    expect(await outcome(clear, `SELECT upper(email) AS e FROM ${s}.customers WHERE id = 2`)).toEqual({ rows: [{ e: 'BO@SECRET.EXAMPLE' }] });
    await clear.end();
  });
});
