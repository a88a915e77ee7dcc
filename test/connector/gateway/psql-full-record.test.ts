import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeWith } from '../../support/servers';
import { gatewayConnector } from './support';

const run = promisify(execFile);

describeWith('postgres', 'SQL gateway with psql, on a target that records in full', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let orders: string;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl, { record: 'full' });
    orders = `${env.fixture.schema}.orders`;
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** The Debian psql client, as a requester runs it: the address and credential the grant named. */
  const psql = (grant: { username: string; password: string }, args: string[], input?: string) => {
    const child = run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-h', '127.0.0.1', '-p', String(env.port), '-U', grant.username, '-d', env.database, ...args], {
      env: { ...process.env, PGPASSWORD: grant.password, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '10' },
    });
    if (input !== undefined) child.child.stdin?.end(input);
    return child;
  };

  it('runs queries and COPY in and out through the gateway, and records them with their literals', async () => {
    const grant = await env.grant('PS-1.1');
    const read = await psql(grant, ['-c', `SELECT id, total FROM ${orders} WHERE id = 2`]);
    expect(read.stdout).toBe('2|20\n');
    const copyIn = await psql(grant, ['-c', `COPY ${orders} (id, total) FROM STDIN`], '200\t2\n201\t3\n202\t4\n');
    expect(copyIn.stdout).toBe('COPY 3\n');
    const copyOut = await psql(grant, ['-c', `COPY (SELECT id FROM ${orders} WHERE id >= 200 ORDER BY id) TO STDOUT`]);
    expect(copyOut.stdout).toBe('200\n201\n202\n');
    await expect(psql(grant, ['-c', `INSERT INTO ${orders} VALUES (200, 1)`])).rejects.toMatchObject({ stderr: expect.stringContaining('duplicate key') });

    const client = await env.connect(grant.username, grant.password);
    await client.query(`UPDATE ${orders} SET total = $1 WHERE id = $2`, ['7.5', 201]);
    await client.end();

    const { body } = await env.activity('PS-1.1');
    const statements = body.statements.map(({ kind, sql, tables, rows, error, params }) => ({ kind, sql, tables, rows, error, ...(params ? { params } : {}) }));
    expect(statements).toEqual([
      { kind: 'read', sql: `SELECT id, total FROM ${orders} WHERE id = 2`, tables: [orders], rows: 1, error: null },
      { kind: 'write', sql: `COPY ${orders} (id, total) FROM STDIN`, tables: [orders], rows: 3, error: null },
      { kind: 'read', sql: `COPY (SELECT id FROM ${orders} WHERE id >= 200 ORDER BY id) TO STDOUT`, tables: [orders], rows: 3, error: null },
      { kind: 'write', sql: `INSERT INTO ${orders} VALUES (200, 1)`, tables: [orders], rows: null, error: expect.stringMatching(/^23505 duplicate key value/) },
      { kind: 'write', sql: `UPDATE ${orders} SET total = $1 WHERE id = $2`, tables: [orders], rows: 1, error: null, params: ['7.5', '201'] },
    ]);
    expect(body.digest.sessions).toBe(5);
    const { rows } = await env.fixture.admin.query(`SELECT id, total::text FROM ${orders} WHERE id >= 200 ORDER BY id`);
    expect(rows).toEqual([{ id: 200, total: '2' }, { id: 201, total: '7.5' }, { id: 202, total: '4' }]);
    await env.connector.client.revokeGrant('PS-1.1');
  });

  it('psql is refused with a revoked credential, and the record stays', async () => {
    const grant = await env.grant('PS-2.1');
    await psql(grant, ['-c', 'SELECT 1']);
    await env.connector.client.revokeGrant('PS-2.1');
    await expect(psql(grant, ['-c', 'SELECT 2'])).rejects.toMatchObject({ stderr: expect.stringContaining(`password authentication failed for user "${grant.username}"`) });
    expect((await env.activity('PS-2.1')).body.statements.map((statement) => statement.sql)).toEqual(['SELECT 1']);
  });
});
