import { execFile } from 'node:child_process';
import { Client } from 'pg';
import { describeWith } from '../../support/servers';
import { bannerGatewayPort, gatewayTicket } from './gateway-ticket';
import { discoverForm, restClient } from './rest-client';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

jest.setTimeout(240_000);

const ESCAPES = [
  'RESET ROLE',
  'SET ROLE postgres',
  'SET SESSION AUTHORIZATION postgres',
  'RESET SESSION AUTHORIZATION',
  'RESET ALL',
  'DISCARD ALL',
  "SELECT set_config('role', 'postgres', false)",
  "SELECT set_config('session_authorization', 'postgres', false)",
  "DO $$ BEGIN PERFORM set_config('session_authorization', 'postgres', false); END $$",
  "SELECT query_to_xml('SELECT set_config(''session_authorization'', ''postgres'', false)', true, true, '')",
];

function psql(connect: { host: string; port: number; database: string }, user: string, password: string, sql: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const args = ['-h', connect.host, '-p', String(connect.port), '-U', user, '-d', connect.database, '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql];
    execFile('psql', args, { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describeWith('postgres', 'npm start --target-url … --gateway: the demo targets behind the SQL gateway on a server of your own', (pgUrl) => {
  let sandbox: SandboxProcess;
  let admin: Client;
  let rest: ReturnType<typeof restClient>;
  let form: Awaited<ReturnType<typeof discoverForm>>;

  beforeAll(async () => {
    admin = new Client({ connectionString: pgUrl });
    await admin.connect();
    // The read level's privileges cover the tables of `public` that exist when the grant is made.
    await admin.query('DROP TABLE IF EXISTS public.gateway_demo_orders');
    await admin.query('CREATE TABLE public.gateway_demo_orders (id int PRIMARY KEY, note text)');
    await admin.query("INSERT INTO public.gateway_demo_orders VALUES (1, 'first'), (2, 'second')");
    sandbox = await startSandboxProcess(['--target-url', pgUrl, '--gateway', '--sweep-seconds', '2']);
    rest = restClient(sandbox.url);
    form = await discoverForm(rest.as('ana@example.com'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    await admin?.query('DROP TABLE IF EXISTS public.gateway_demo_orders');
    await admin?.end();
  });

  it('gives the gateway address in the ticket, records what psql and the pg driver ran, ends their sessions on revoke, and puts the digest in the ticket', async () => {
    const gatewayPort = bannerGatewayPort(sandbox.output());
    expect(gatewayPort).toBeDefined();
    const ticket = gatewayTicket(sandbox.url, rest, form);
    const { key, username } = await ticket.raiseActive('shop-dev');
    expect(username).toMatch(/^jit_/);
    const credential = await ticket.reveal(key);
    const server = new URL(pgUrl);
    expect(credential.connect).toEqual({ host: '127.0.0.1', port: gatewayPort, database: server.pathname.slice(1) });
    expect(credential.username).toBe(username);

    // The credential the ticket gives is the gateway's: the database itself does not take it.
    const direct = await psql({ host: server.hostname, port: Number(server.port || 5432), database: server.pathname.slice(1) }, username, credential.password, 'SELECT 1');
    expect(direct.code).not.toBe(0);
    expect(direct.stderr).toMatch(/password authentication failed/);

    const viaPsql = await psql(credential.connect, username, credential.password, 'SELECT current_user; SELECT count(*) FROM public.gateway_demo_orders');
    expect({ code: viaPsql.code, stderr: viaPsql.stderr }).toEqual({ code: 0, stderr: '' });
    expect(viaPsql.stdout.trim().split('\n')).toEqual([username, '2']);

    const client = new Client({ ...credential.connect, user: username, password: credential.password });
    const ended = new Promise<Error>((resolve) => client.once('error', resolve));
    // The FATAL comes first, then the closed socket.
    client.on('error', () => undefined);
    await client.connect();
    expect((await client.query('SELECT note FROM public.gateway_demo_orders WHERE id = $1', [2])).rows).toEqual([{ note: 'second' }]);
    expect((await client.query("SELECT note FROM public.gateway_demo_orders WHERE note = 'literal-never-recorded'")).rowCount).toBe(0);
    await expect(client.query('UPDATE public.gateway_demo_orders SET note = NULL')).rejects.toMatchObject({ code: '42501' });
    // What takes PGlite's session back (test/connector/hostile/pglite-session-role) cannot take this one: the
    // login is the session's own user on the real server.
    let errors = 1;
    for (const sql of ESCAPES) {
      errors += await client.query(sql).then(
        () => 0,
        () => 1,
      );
      expect((await client.query('SELECT current_user AS c, session_user AS s')).rows).toEqual([{ c: username, s: username }]);
    }
    await expect(client.query('UPDATE public.gateway_demo_orders SET note = NULL')).rejects.toMatchObject({ code: '42501' });
    errors += 1;

    // The ticket's SQL console (the runQuery resolver the panel calls) runs as the grant through the gateway too.
    const consoleAnswer = await fetch(`${sandbox.url}/sandbox/api/resolver`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ana@example.com:t').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey: 'runQuery', issueKey: key, payload: { sql: 'SELECT count(*) AS n, current_user AS login FROM public.gateway_demo_orders' } }),
    });
    expect(await consoleAnswer.json()).toMatchObject({ result: { data: { outcome: 'rows', columns: [expect.objectContaining({ name: 'n' }), expect.objectContaining({ name: 'login' })], rows: [['2', username]] } } });

    expect(await ticket.resolve(key)).toBe('revoked');
    // The open session was ended by the revoke, not left to run.
    expect(await ended).toMatchObject({ code: '57P01' });
    await client.end().catch(() => undefined);
    expect((await admin.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [username])).rows).toEqual([]);

    const thread = await ticket.activityThread(key);
    expect(thread).toContain('through the SQL gateway');
    expect(thread).toContain('Sessions: 3');
    expect(thread).toMatch(/Statements: \d+ \(read \d+, write \d+, DDL 0/);
    expect(thread).toContain('gateway_demo_orders');
    expect(thread).toContain(`Errors: ${errors}`);
    expect(thread).not.toContain('literal-never-recorded');
    expect(thread).not.toContain(credential.password);
    expect(sandbox.output()).not.toContain(credential.password);
  });
});
