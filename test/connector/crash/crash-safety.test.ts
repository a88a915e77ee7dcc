import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrantRequestInput } from '../../../src/protocol';
import { describeWith } from '../../support/servers';
import { inSeconds, postgresFixture, waitFor } from '../support/harness';
import { spawnConnector, writeConfig, type ConnectorProcess } from './connector-process';
import { TcpProxy } from './tcp-proxy';

const principal = { accountId: 'acc-crash', email: null, dbUser: null };

/** Whether a new TCP connection to the connector is accepted. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.once('close', () => socket.destroy());
    socket.once('connect', () => socket.destroy());
  });
}

describeWith('postgres', 'connector crash safety (SIGKILL between the steps of grant and revoke)', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let dir: string;
  let configPath: string;
  let proxy: TcpProxy;
  const running = new Set<ConnectorProcess>();

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    dir = mkdtempSync(join(tmpdir(), 'jit-crash-'));
    // The target reaches PostgreSQL through a proxy the SIGTERM test can hold still; it forwards otherwise.
    proxy = await TcpProxy.start('127.0.0.1', Number(new URL(adminUrl).port || 5432));
    const viaProxy = new URL(adminUrl);
    viaProxy.port = String(proxy.port);
    configPath = writeConfig(dir, { ledger: `file:${join(dir, 'ledger')}`, targets: [{ ...fixture.target, url: viaProxy.toString() }] });
  });

  afterEach(async () => {
    for (const connector of running) await connector.stop('SIGKILL');
    running.clear();
    proxy.resume();
  });

  afterAll(async () => {
    await proxy?.close();
    await fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(failpoints: string[] = []): Promise<ConnectorProcess> {
    const connector = await spawnConnector(configPath, { failpoints });
    running.add(connector);
    return connector;
  }

  const request = (grantId: string, notAfter = inSeconds(600)): GrantRequestInput => ({
    grantId,
    target: fixture.target.id,
    role: 'read',
    principal,
    mode: 'ephemeral',
    notAfter,
    ticket: 'SD-7',
    reason: 'crash test',
  });

  const managedLogins = async (): Promise<string[]> =>
    (
      await fixture.admin.query<{ rolname: string }>(
        'SELECT u.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1 ORDER BY 1',
        [fixture.marker],
      )
    ).rows.map((row) => row.rolname);

  const roleExists = async (name: string) => (await fixture.admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;

  /** Every managed login on the database belongs to a grant the ledger still holds live. */
  async function expectNoLoginWithoutLiveGrant(connector: ConnectorProcess): Promise<void> {
    const { grants } = await connector.client.listGrants();
    const live = grants.filter((grant) => ['pending', 'active', 'revoking'].includes(grant.state)).map((grant) => grant.username);
    for (const login of await managedLogins()) expect(live).toContain(login);
  }

  /** The call dies with the connection, and the process with SIGKILL. */
  async function expectKilled(connector: ConnectorProcess, call: Promise<unknown>): Promise<void> {
    await expect(call).rejects.toMatchObject({ status: 0, code: 'unreachable' });
    expect(await connector.exited).toEqual({ code: null, signal: 'SIGKILL' });
  }

  describe('grant', () => {
    it('grant.after-intent: nothing was created; the grant reads failed and a retry creates it', async () => {
      const body = request('CR-1.1');
      const first = await start(['grant.after-intent']);
      await expectKilled(first, first.client.createGrant(body));
      expect(await managedLogins()).toEqual([]);

      const second = await start();
      expect(await second.client.getGrant('CR-1.1')).toMatchObject({ state: 'failed', username: null });
      await expectNoLoginWithoutLiveGrant(second);
      const retried = await second.client.createGrant(body);
      expect(retried).toMatchObject({ grantId: 'CR-1.1', state: 'active' });
      const session = await fixture.login(retried.username, retried.password!);
      expect((await session.query(`SELECT count(*)::int AS n FROM ${fixture.schema}.orders`)).rows[0].n).toBe(2);
      await session.end();
      expect(await second.client.revokeGrant('CR-1.1')).toMatchObject({ state: 'revoked' });
      expect(await managedLogins()).toEqual([]);
    });

    it('grant.after-driver: the login left behind is dropped at restart and the grant reads failed', async () => {
      const body = request('CR-1.2');
      const first = await start(['grant.after-driver']);
      await expectKilled(first, first.client.createGrant(body));
      const [leftBehind] = await managedLogins();
      expect(leftBehind).toMatch(/^jit_cr_1_2_[a-z2-7]{6}$/);

      const second = await start();
      expect(await roleExists(leftBehind!)).toBe(false);
      expect(await second.client.getGrant('CR-1.2')).toMatchObject({ state: 'failed', username: null });
      await expectNoLoginWithoutLiveGrant(second);
      const retried = await second.client.createGrant(body);
      const session = await fixture.login(retried.username, retried.password!);
      await session.end();
      await second.client.revokeGrant('CR-1.2');
      expect(await managedLogins()).toEqual([]);
    });

    it('grant.after-outcome: the grant is active after restart and a retry returns its sealed credential, whose password works', async () => {
      const body = request('CR-1.3');
      const first = await start(['grant.after-outcome']);
      await expectKilled(first, first.client.createGrant(body));
      const [login] = await managedLogins();

      const second = await start();
      expect(await second.client.getGrant('CR-1.3')).toMatchObject({ state: 'active', username: login });
      await expectNoLoginWithoutLiveGrant(second);
      const retried = await second.client.createGrant(body);
      expect(retried).toMatchObject({ state: 'active', username: login });
      const session = await fixture.login(retried.username, retried.password!);
      await session.end();
      await second.client.revokeGrant('CR-1.3');
      expect(await managedLogins()).toEqual([]);
    });
  });

  describe('revoke', () => {
    it.each([
      ['revoke.after-intent', true],
      ['revoke.after-driver', false],
      ['revoke.after-outcome', false],
    ])('%s: the revocation finishes at restart and the open session is gone', async (point, loginSurvivesCrash) => {
      const grantId = `CR-2.${point}`;
      const first = await start([point]);
      const created = await first.client.createGrant(request(grantId));
      const session = await fixture.login(created.username, created.password!);
      await expectKilled(first, first.client.revokeGrant(grantId));
      expect(await roleExists(created.username)).toBe(loginSurvivesCrash);

      const second = await start();
      const status = await waitFor(async () => {
        const current = await second.client.getGrant(grantId);
        return current.state === 'revoked' ? current : undefined;
      });
      expect(status).toMatchObject({ username: created.username, revokeReason: 'requested' });
      expect(await roleExists(created.username)).toBe(false);
      await expect(session.query('SELECT 1')).rejects.toThrow();
      await expect(fixture.login(created.username, created.password!)).rejects.toMatchObject({ code: expect.stringMatching(/^28/) });
      await expectNoLoginWithoutLiveGrant(second);
      expect(await second.client.revokeGrant(grantId)).toMatchObject({ state: 'revoked', revokedAt: status.revokedAt });
    });
  });

  describe('expiry', () => {
    it('a connector killed before notAfter and restarted still ends the login on time', async () => {
      const first = await start();
      const created = await first.client.createGrant(request('CR-3.1', inSeconds(3)));
      await first.stop('SIGKILL');

      const second = await start();
      const goneAt = await waitFor(async () => ((await roleExists(created.username)) ? undefined : Date.now()), 10_000, 20);
      expect(goneAt - Date.parse(created.notAfter)).toBeLessThan(1500);
      // The ledger says expired only once the database has confirmed nothing is left, so it follows the drop.
      const status = await waitFor(async () => {
        const current = await second.client.getGrant('CR-3.1');
        return current.state === 'revoking' ? undefined : current;
      });
      expect(status).toMatchObject({ state: 'expired', revokeReason: 'expired' });
      expect(Date.parse(status.revokedAt!)).toBeGreaterThanOrEqual(Date.parse(created.notAfter));
      await expectNoLoginWithoutLiveGrant(second);
    });

    it('a crash in the middle of an expiry is finished at restart and reads expired', async () => {
      const first = await start(['revoke.after-intent']);
      const created = await first.client.createGrant(request('CR-3.2', inSeconds(1)));
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(await roleExists(created.username)).toBe(true);

      const second = await start();
      const restartedAt = Date.now();
      const goneAt = await waitFor(async () => ((await roleExists(created.username)) ? undefined : Date.now()), 10_000, 20);
      expect(goneAt - restartedAt).toBeLessThan(1500);
      const ended = await waitFor(async () => {
        const current = await second.client.getGrant('CR-3.2');
        return current.state === 'revoking' ? undefined : current;
      });
      expect(ended).toMatchObject({ state: 'expired', revokeReason: 'expired' });
    });

    it('while the connector is down past notAfter the database refuses the login; the restart drops it at once', async () => {
      const first = await start();
      const created = await first.client.createGrant(request('CR-3.3', inSeconds(1)));
      await first.stop('SIGKILL');
      await waitFor(async () => (Date.now() > Date.parse(created.notAfter) ? true : undefined));
      // VALID UNTIL: PostgreSQL itself ends the password's validity with no connector running.
      await expect(fixture.login(created.username, created.password!)).rejects.toMatchObject({ code: '28P01' });

      const second = await start();
      await waitFor(async () => ((await roleExists(created.username)) ? undefined : true), 5_000, 20);
      const ended = await waitFor(async () => {
        const current = await second.client.getGrant('CR-3.3');
        return current.state === 'revoking' ? undefined : current;
      });
      expect(ended).toMatchObject({ state: 'expired' });
    });
  });

  describe('SIGTERM and restart', () => {
    it('finishes the request in flight, exits 0, and the restarted connector keeps enforcing the grant', async () => {
      const first = await start();
      // A first grant leaves a pooled connection to the database open, so the held one is a query, not a connect.
      await first.client.createGrant(request('CR-4.0'));
      await first.client.revokeGrant('CR-4.0');
      proxy.pause();
      const inFlight = first.client.createGrant(request('CR-4.1', inSeconds(8)));
      await waitFor(async () => (proxy.heldChunks > 0 ? true : undefined));
      first.child.kill('SIGTERM');
      // It stops accepting at once, and waits for the grant held in the driver.
      await waitFor(async () => ((await accepts(first.url)) ? undefined : true));
      expect(first.child.exitCode).toBeNull();
      expect(first.logs.map((line) => line.event)).not.toContain('connector.stopped');
      proxy.resume();
      const created = await inFlight;
      expect(created).toMatchObject({ grantId: 'CR-4.1', state: 'active' });
      expect(await first.exited).toEqual({ code: 0, signal: null });

      const second = await start();
      expect(await second.client.getGrant('CR-4.1')).toMatchObject({ state: 'active', username: created.username });
      const session = await fixture.login(created.username, created.password!);
      await session.end();
      const goneAt = await waitFor(async () => ((await roleExists(created.username)) ? undefined : Date.now()), 10_000, 20);
      expect(goneAt - Date.parse(created.notAfter)).toBeLessThan(1500);
      // The ledger says expired only once the database has confirmed nothing is left, so it follows the drop.
      const ended = await waitFor(async () => {
        const current = await second.client.getGrant('CR-4.1');
        return current.state === 'revoking' ? undefined : current;
      });
      expect(ended).toMatchObject({ state: 'expired' });
    });

    it('ends even with a keep-alive client that keeps asking and a database that went silent', async () => {
      const connector = await start();
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const fetchOn = (path: string) =>
        new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
          get(`${connector.url}${path}`, { agent }, (response) => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
          }).on('error', reject);
        });
      expect(await fetchOn('/metrics')).toEqual({ status: 200, connection: 'keep-alive' });
      // Health waits (up to 2 s) on the held database: the connection is busy when SIGTERM arrives.
      proxy.pause();
      const inFlight = fetchOn('/v1/health');
      await waitFor(async () => (proxy.heldChunks > 0 ? true : undefined));
      connector.child.kill('SIGTERM');
      expect(await inFlight).toEqual({ status: 200, connection: 'close' });
      // A client that asks again at once finds the door shut.
      await expect(fetchOn('/metrics')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      // Closing the database connections politely waits for an answer that never comes; shutdown gives up on it.
      expect(await connector.exited).toEqual({ code: 0, signal: null });
      expect(connector.logs.map((line) => line.event).slice(-2)).toEqual(['connector.targets_close_timeout', 'connector.stopped']);
      agent.destroy();
    }, 60_000);
  });
});
