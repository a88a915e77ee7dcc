import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from 'pg';
import { describeWith } from '../../support/servers';
import { inSeconds } from '../support/harness';
import { gatewayConnector, principal } from './support';

const run = promisify(execFile);

/** The SQLSTATE and message a statement fails with, or its rows. */
async function outcome(client: Client, text: string, values?: unknown[]): Promise<{ code: string; message: string } | { rows: unknown[] }> {
  try {
    return { rows: (await client.query(text, values)).rows };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? 'none', message };
  }
}

/**
 * Levels whose privileges would let the database run a statement, with guards that refuse it: the statement never
 * reaches the database (its table is unchanged), the client gets 42501 naming the guard, and the activity record
 * shows the refusal. The levels' privileges are wide on purpose, so only the gateway stands in the way.
 */
describeWith('postgres', 'SQL gateway guards (real PostgreSQL, pg and psql clients)', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let orders: string;
  const dml = (schema: string) => [`USAGE, CREATE ON SCHEMA ${schema}`, `SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE ${schema}.orders`];

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl, {
      roles: (schema) => ({
        ro: { memberOf: [], privileges: dml(schema), guard: ['read-only'] },
        careful: { memberOf: [], privileges: dml(schema), guard: ['no-drop', 'no-unqualified-write'] },
        noddl: { memberOf: [], privileges: dml(schema), guard: ['no-ddl'] },
      }),
    });
    orders = `${env.fixture.schema}.orders`;
    // A function that writes behind a SELECT: the parser cannot see into it, the database's read-only mode can.
    await env.fixture.admin.query(`CREATE FUNCTION ${env.fixture.schema}.bump() RETURNS int LANGUAGE sql VOLATILE AS $$ UPDATE ${orders} SET total = total + 1 RETURNING 1 $$`);
    await env.fixture.admin.query(`GRANT EXECUTE ON FUNCTION ${env.fixture.schema}.bump() TO PUBLIC`);
  });

  afterAll(async () => {
    await env?.fixture.admin.query(`DROP FUNCTION IF EXISTS ${env.fixture.schema}.bump()`);
    await env?.stop();
  });

  async function grantAs(grantId: string, role: string) {
    const created = await env.connector.client.createGrant({ grantId, target: env.target.id, role, principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test' });
    const password = created.password ?? '';
    return { username: created.username, password, client: await env.connect(created.username, password) };
  }

  const table = async () => (await env.fixture.admin.query(`SELECT id, total::text FROM ${orders} ORDER BY id`)).rows;
  const refusedBy = (guard: string) => ({ code: '42501', message: expect.stringContaining(`refused by the gateway's ${guard} guard`) });

  it('read-only: reads run, and no way of writing reaches the database', async () => {
    const before = await table();
    const { client, username, password } = await grantAs('GD-1.1', 'ro');
    expect(await outcome(client, `SELECT id FROM ${orders} WHERE id = $1`, [1])).toEqual({ rows: [{ id: 1 }] });
    expect(await outcome(client, 'SHOW transaction_read_only')).toEqual({ rows: [{ transaction_read_only: 'on' }] });
    const writes = [
      `INSERT INTO ${orders} VALUES (9, 9)`,
      `UPDATE ${orders} SET total = 0 WHERE id = 1`,
      `SELECT 1; DELETE FROM ${orders} WHERE id = 1`,
      `WITH x AS (DELETE FROM ${orders} RETURNING *) SELECT * FROM x`,
      `EXPLAIN ANALYZE DELETE FROM ${orders} WHERE id = 2`,
      `DO $$ BEGIN DELETE FROM ${orders}; END $$`,
      `COPY ${orders} FROM STDIN`,
      `SELECT * INTO ${env.fixture.schema}.stolen FROM ${orders}`,
      `SELECT * FROM ${orders} FOR UPDATE`,
      `PREPARE p AS DELETE FROM ${orders} WHERE id = 1`,
      "SELECT set_config('default_transaction_read_only', 'off', false)",
      'SET default_transaction_read_only = off',
      'BEGIN READ WRITE',
      `TRUNCATE ${orders}`,
      'SELEC 1',
    ];
    for (const statement of writes) expect([statement, await outcome(client, statement)]).toEqual([statement, refusedBy('read-only')]);
    // The extended protocol (Parse/Bind/Execute) passes the same guard.
    expect(await outcome(client, `DELETE FROM ${orders} WHERE id = $1`, [1])).toEqual(refusedBy('read-only'));
    // Inside a transaction the refusal aborts it, as any error would, and the session goes on afterwards.
    expect(await outcome(client, 'BEGIN')).toEqual({ rows: [] });
    expect(await outcome(client, `UPDATE ${orders} SET total = 0 WHERE id = 1`)).toEqual(refusedBy('read-only'));
    expect(await outcome(client, 'SELECT 1 AS one')).toMatchObject({ code: '25P02' });
    expect(await outcome(client, 'ROLLBACK')).toEqual({ rows: [] });
    // A write inside a function, which no parser sees: the database's read-only mode refuses it.
    expect(await outcome(client, `SELECT ${env.fixture.schema}.bump()`)).toMatchObject({ code: '25006' });
    expect(await outcome(client, 'SELECT 2 AS two')).toEqual({ rows: [{ two: 2 }] });
    await client.end();
    // A client's own startup options cannot lift the read-only mode: the gateway's setting comes after them.
    const lifted = await env.connect(username, password, { options: '-c default_transaction_read_only=off' });
    expect(await outcome(lifted, 'SHOW default_transaction_read_only')).toEqual({ rows: [{ default_transaction_read_only: 'on' }] });
    expect(await outcome(lifted, `SELECT ${env.fixture.schema}.bump()`)).toMatchObject({ code: '25006' });
    await lifted.end();
    expect(await table()).toEqual(before);
    expect((await env.fixture.admin.query(`SELECT to_regclass('${env.fixture.schema}.stolen') AS t`)).rows).toEqual([{ t: null }]);

    const { body } = await env.activity('GD-1.1');
    const blocked = body.statements.filter((statement) => statement.blocked !== null);
    expect(blocked.map((statement) => statement.blocked)).toEqual(Array(writes.length + 2).fill('read-only'));
    expect(blocked.map((statement) => [statement.kind, statement.sql]).slice(0, 3)).toEqual([
      ['write', `INSERT INTO ${orders} VALUES ($1, $2)`],
      ['write', `UPDATE ${orders} SET total = $1 WHERE id = $2`],
      ['write', `DELETE FROM ${orders} WHERE id = $1`],
    ]);
    expect(blocked.every((statement) => statement.error === '42501')).toBe(true);
    expect(body.digest.blocked).toBe(writes.length + 2);
    await env.connector.client.revokeGrant('GD-1.1');
  });

  it('no-drop and no-unqualified-write: qualified writes and CREATE run; DROP, TRUNCATE and writes without WHERE do not', async () => {
    const { client } = await grantAs('GD-2.1', 'careful');
    const scratch = `${env.fixture.schema}.scratch`;
    expect(await outcome(client, `UPDATE ${orders} SET total = total WHERE id = 1`)).toEqual({ rows: [] });
    expect(await outcome(client, `CREATE TABLE ${scratch} (a int, b int)`)).toEqual({ rows: [] });
    const before = await table();
    for (const [statement, guard] of [
      [`DELETE FROM ${orders}`, 'no-unqualified-write'],
      [`UPDATE ${orders} SET total = 0`, 'no-unqualified-write'],
      [`WITH x AS (UPDATE ${orders} SET total = 0 RETURNING 1) SELECT count(*) FROM x`, 'no-unqualified-write'],
      [`TRUNCATE ${orders}`, 'no-drop'],
      [`DROP TABLE ${scratch}`, 'no-drop'],
      [`ALTER TABLE ${scratch} DROP COLUMN b`, 'no-drop'],
      [`DO $$ BEGIN DROP TABLE ${scratch}; END $$`, 'no-drop'],
    ] as const) {
      expect([statement, await outcome(client, statement)]).toEqual([statement, refusedBy(guard)]);
    }
    expect(await outcome(client, `UPDATE ${orders} SET total = $1`, [0])).toEqual(refusedBy('no-unqualified-write'));
    expect(await table()).toEqual(before);
    expect((await env.fixture.admin.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'scratch'`, [env.fixture.schema])).rows).toEqual([{ n: 2 }]);
    await client.end();
    await env.connector.client.revokeGrant('GD-2.1');
  });

  it('no-ddl, seen from psql: the requester reads the guard\'s message, and ordinary statements run', async () => {
    const { username, password, client } = await grantAs('GD-3.1', 'noddl');
    await client.end();
    const psql = (sql: string) =>
      run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-h', '127.0.0.1', '-p', String(env.port), '-U', username, '-d', env.database, '-c', sql], {
        env: { ...process.env, PGPASSWORD: password, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '10' },
      });
    expect((await psql(`SELECT count(*) FROM ${orders}`)).stdout).toBe('2\n');
    await expect(psql(`CREATE TABLE ${env.fixture.schema}.nope (a int)`)).rejects.toMatchObject({
      // The CONTEXT line is the server's: PL/pgSQL raises the refusal (psql's \set SHOW_CONTEXT never hides it).
      stderr: "ERROR:  refused by the gateway's no-ddl guard: schema and privilege changes are not allowed\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE\n",
    });
    await expect(psql(`GRANT SELECT ON ${orders} TO PUBLIC`)).rejects.toMatchObject({ stderr: expect.stringContaining('no-ddl guard') });
    expect((await env.fixture.admin.query(`SELECT to_regclass('${env.fixture.schema}.nope') AS t`)).rows).toEqual([{ t: null }]);
    await env.connector.client.revokeGrant('GD-3.1');
  });
});
