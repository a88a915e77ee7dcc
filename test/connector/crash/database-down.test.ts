import type { GrantRequestInput } from '../../../src/protocol';
import { describeWith } from '../../support/servers';
import { inSeconds, postgresFixture, startTestConnector, waitFor, type TestConnector } from '../support/harness';
import { TcpProxy } from './tcp-proxy';

const principal = { accountId: 'acc-down', email: null, dbUser: null };

describeWith('postgres', 'connector with its database down during revocation', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let proxy: TcpProxy;
  let connector: TestConnector;

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    proxy = await TcpProxy.start('127.0.0.1', Number(new URL(adminUrl).port || 5432));
    const viaProxy = new URL(adminUrl);
    viaProxy.port = String(proxy.port);
    connector = await startTestConnector({ targets: [{ ...fixture.target, url: viaProxy.toString() }] });
  });

  afterEach(() => proxy.resume());

  afterAll(async () => {
    await connector?.stop();
    await proxy?.close();
    await fixture?.cleanup();
  });

  const request = (grantId: string, notAfter = inSeconds(600)): GrantRequestInput => ({
    grantId,
    target: fixture.target.id,
    role: 'read',
    principal,
    mode: 'ephemeral',
    notAfter,
  });

  const roleExists = async (name: string) => (await fixture.admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;

  /** The ledger's record once the scheduler has tried (and failed) at least `attempts` times. */
  const afterAttempts = (grantId: string, attempts: number) =>
    waitFor(async () => {
      const record = await connector.context.ledger.get(grantId);
      return record && record.attempts >= attempts ? record : undefined;
    });

  it('DELETE answers 202 revoking while the database is unreachable, and the scheduler revokes once it is back', async () => {
    const created = await connector.client.createGrant(request('DN-1.1'));
    // The requester's own session goes straight to the database, which is up; only the connector lost it.
    const session = await fixture.login(created.username, created.password!);
    proxy.cut();

    expect(await connector.client.revokeGrant('DN-1.1')).toEqual({ grantId: 'DN-1.1', state: 'revoking' });
    expect(await connector.client.getGrant('DN-1.1')).toMatchObject({ state: 'revoking', revokeReason: 'requested' });
    expect(await connector.client.health()).toEqual({ status: 'degraded', targets: [{ id: fixture.target.id, reachable: false, problems: ['unreachable', 'revocation unconfirmed: 1 grant(s) still revoking, retried'] }] });
    const retried = await afterAttempts('DN-1.1', 2);
    expect(retried).toMatchObject({ state: 'revoking', lastError: expect.stringMatching(/^unreachable: /), nextAttemptAt: expect.any(String) });
    expect(await connector.client.getGrant('DN-1.1')).toMatchObject({ state: 'revoking' });
    expect(await roleExists(created.username)).toBe(true);

    const restoredAt = Date.now();
    proxy.resume();
    const status = await waitFor(async () => {
      const current = await connector.client.getGrant('DN-1.1');
      return current.state === 'revoked' ? current : undefined;
    }, 15_000);
    expect(Date.parse(status.revokedAt!)).toBeGreaterThanOrEqual(restoredAt);
    expect(await roleExists(created.username)).toBe(false);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    expect(await connector.client.revokeGrant('DN-1.1')).toEqual({ grantId: 'DN-1.1', state: 'revoked', revokedAt: status.revokedAt });
  });

  it('an expiry while the database is unreachable stays revoking, never expired, until it really happened', async () => {
    const created = await connector.client.createGrant(request('DN-2.1', inSeconds(1)));
    proxy.cut();
    await afterAttempts('DN-2.1', 2);
    const during = await connector.client.getGrant('DN-2.1');
    expect(during).toMatchObject({ state: 'revoking', revokeReason: 'expired' });
    expect(during.revokedAt).toBeUndefined();
    expect(await connector.client.listGrants('expired')).toEqual({ grants: [] });
    expect(await roleExists(created.username)).toBe(true);

    const restoredAt = Date.now();
    proxy.resume();
    const status = await waitFor(async () => {
      const current = await connector.client.getGrant('DN-2.1');
      return current.state === 'expired' ? current : undefined;
    }, 15_000);
    expect(status.revokeReason).toBe('expired');
    expect(Date.parse(status.revokedAt!)).toBeGreaterThanOrEqual(restoredAt);
    expect(await roleExists(created.username)).toBe(false);
  });
});
