import mysql from 'mysql2/promise';
import { describeWith } from '../../support/servers';
import { bannerGatewayPort, gatewayTicket } from './gateway-ticket';
import { discoverForm, restClient } from './rest-client';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

jest.setTimeout(240_000);

describeWith('mysql', 'npm start --gateway on a MySQL-family server: the demo targets behind the MySQL-wire gateway', (mysqlUrl) => {
  let sandbox: SandboxProcess;
  let admin: mysql.Connection;
  let rest: ReturnType<typeof restClient>;
  let form: Awaited<ReturnType<typeof discoverForm>>;
  const database = decodeURIComponent(new URL(mysqlUrl).pathname.slice(1));

  beforeAll(async () => {
    admin = await mysql.createConnection(mysqlUrl);
    await admin.query('DROP TABLE IF EXISTS gateway_demo_orders');
    await admin.query('CREATE TABLE gateway_demo_orders (id int PRIMARY KEY, note text)');
    await admin.query("INSERT INTO gateway_demo_orders VALUES (1, 'first'), (2, 'second')");
    sandbox = await startSandboxProcess(['--target-url', mysqlUrl, '--gateway', '--sweep-seconds', '2']);
    rest = restClient(sandbox.url);
    form = await discoverForm(rest.as('ana@example.com'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    await admin?.query('DROP TABLE IF EXISTS gateway_demo_orders');
    await admin?.end();
  });

  it('gives the gateway address in the ticket, records what mysql2 ran, ends the session on revoke, and puts the digest in the ticket', async () => {
    const gatewayPort = bannerGatewayPort(sandbox.output());
    expect(gatewayPort).toBeDefined();
    const ticket = gatewayTicket(sandbox.url, rest, form);
    const { key, username } = await ticket.raiseActive('shop-dev');
    const credential = await ticket.reveal(key);
    expect(credential.connect).toEqual({ host: '127.0.0.1', port: gatewayPort, database });

    const server = new URL(mysqlUrl);
    await expect(mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: username, password: credential.password, database })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    });

    const client = await mysql.createConnection({ ...credential.connect, user: username, password: credential.password });
    const ended = new Promise<Error>((resolve) => client.once('error', resolve));
    const [rows] = await client.query('SELECT note FROM gateway_demo_orders WHERE id = 2');
    expect(rows).toEqual([{ note: 'second' }]);
    await expect(client.query("UPDATE gateway_demo_orders SET note = 'literal-never-recorded'")).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });

    expect(await ticket.resolve(key)).toBe('revoked');
    expect(await ended).toBeInstanceOf(Error);
    await client.end().catch(() => undefined);
    const [users] = await admin.query('SELECT user FROM mysql.user WHERE user = ?', [username]);
    expect(users).toEqual([]);

    const thread = await ticket.activityThread(key);
    expect(thread).toContain('Sessions: 1');
    expect(thread).toContain('gateway_demo_orders');
    expect(thread).toContain('Errors: 1');
    expect(thread).not.toContain('literal-never-recorded');
    expect(thread).not.toContain(credential.password);
  });
});
