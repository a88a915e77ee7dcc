import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection } from 'mysql2/promise';
import { startConnector, type RunningConnector } from '../../../src/connector/connector';
import { driverFactories } from '../../../src/connector/drivers/registry';
import { silentLogger } from '../../../src/connector/log';
import { RequesterClient } from '../support/requester-client';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { SECRET, waitFor } from '../support/harness';

const SKEW_MS = 120_000;
/** The database's clock is read to within half a round trip, a few milliseconds under load; the skew is 120 s. */
const READING_MS = 1_000;

/**
 * The connector's own clock runs 120 s behind (a host with a broken NTP). Access must still end at notAfter as
 * the database keeps time, the ledger must not stamp the revocation as on time, and health must say the clocks
 * disagree.
 */
describeWith('mysql', 'connector clock behind the database', (adminUrl) => {
  const sfx = uniqueSuffix();
  const database = `jit_skew_${sfx}`;
  const server = new URL(adminUrl);
  const targetUrl = new URL(adminUrl);
  targetUrl.pathname = `/${database}`;
  const marker = `jit_m_${sfx}`;
  const target = {
    id: `skew-${sfx}`,
    engine: 'mysql' as const,
    url: targetUrl.toString(),
    environment: 'prod',
    marker,
    roles: { read: { memberOf: [], privileges: [`SELECT ON ${database}.orders`] } },
  };
  let admin: Connection;
  let connector: RunningConnector;
  let client: RequesterClient;

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl });
    await admin.query('CREATE DATABASE ??', [database]);
    await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY)', [database]);
    connector = await startConnector({
      config: { listen: { host: '127.0.0.1', port: 0 }, secrets: [SECRET], ledger: `file:${join(mkdtempSync(join(tmpdir(), 'jit-skew-')), 'ledger')}`, targets: [target] },
      factories: driverFactories,
      log: silentLogger(),
      now: () => new Date(Date.now() - SKEW_MS),
      pollMs: 100,
    });
    // The app signs with a correct clock; the connector must accept it by the database's time, not its own.
    client = new RequesterClient({ baseUrl: connector.url, secrets: SECRET });
  });

  afterAll(async () => {
    await connector?.stop();
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
    for (const { user, host } of rows as { user: string; host: string }[]) await admin.query('DROP USER ?@?', [user, host]);
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
  });

  it('ends an open session at notAfter by the database clock and stamps revokedAt by it', async () => {
    const notAfter = new Date(Date.now() + 3_000);
    const created = await client.createGrant({ grantId: `SKEW-${sfx}.1`, target: target.id, role: 'read', principal: { accountId: 'acc', email: null, dbUser: null }, mode: 'ephemeral', notAfter: notAfter.toISOString() });
    const session = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: created.username, password: created.password, database });
    session.on('error', () => undefined);
    await session.query('SELECT * FROM orders');

    // The attacker keeps the session busy; 120 s of extra access would be the skew.
    const endedAt = await waitFor(async () => session.query('SELECT * FROM orders').then(() => undefined, () => Date.now()), 20_000);
    session.destroy();
    expect(endedAt).toBeGreaterThanOrEqual(notAfter.getTime() - READING_MS);

    // The session ends before the login is dropped and the ledger says so.
    const status = await waitFor(async () => {
      const current = await client.getGrant(`SKEW-${sfx}.1`);
      return current.state === 'revoking' ? undefined : current;
    });
    expect(status.state).toBe('expired');
    const revokedAt = Date.parse(status.revokedAt ?? '');
    expect(revokedAt).toBeGreaterThanOrEqual(notAfter.getTime() - READING_MS);
    expect(Math.abs(revokedAt - endedAt)).toBeLessThan(SKEW_MS / 4);
  });

  it('reports the skew in health', async () => {
    const health = await client.health();
    expect(health.status).toBe('degraded');
    expect(health.targets[0]?.problems).toContainEqual(expect.stringMatching(/clock skew: the connector's clock is 12\d\.\d s behind the database's/));
  });
});
