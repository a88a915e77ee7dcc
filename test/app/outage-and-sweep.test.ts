import { z } from 'zod';
import { runAs } from '../../src/connector/drivers/pglite';
import { signRequest } from '../../src/protocol';
import { SECRET, waitFor } from '../connector/support/harness';
import { settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, readTicket, resolveOk } from './support/ticket';

jest.setTimeout(90_000);

describe('connector outages, lost callbacks and the sweep', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    // No callback URL: the connector's own expiries never reach the app, so only the sweep can see them.
    app = await installApp({ callback: false });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
  });

  it('retries a grant while the connector is down, shows it on the ticket, and grants once when it returns', async () => {
    const { site } = app;
    await app.connector.stop();
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const failing = await readTicket(site, key);
    expect(failing.status).toBe('Approved');
    expect(failing.property).toMatchObject({ state: 'granting', attempts: 1, lastError: expect.stringMatching(/^unreachable: /) });
    expect(failing.internal.join('\n')).toContain('Granting access failed (attempt 1 of 5): unreachable');
    expect(site.runtime.inspect.queue()).toEqual([expect.objectContaining({ state: 'pending', event: expect.objectContaining({ retryContext: expect.objectContaining({ retryCount: 1 }) }) })]);

    await app.restartConnector();
    await site.runtime.clock.advance(30_000);
    await settle(site);
    const granted = await readTicket(site, key);
    expect(granted.status).toBe('Access granted');
    expect(granted.property).toMatchObject({ state: 'active', attempts: 2, grantId: `${key}.1` });
    expect(granted.property).not.toHaveProperty('lastError');
    const active = (await app.connector.client.listGrants('active')).grants.filter((grant) => grant.grantId.startsWith(`${key}.`));
    expect(active.map((grant) => grant.grantId)).toEqual([`${key}.1`]);
    const credential = z.object({ username: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    await expect(runAs(await app.demoDatabase(), credential.username, 'SELECT count(*)::int AS n FROM shop.customers')).resolves.toMatchObject({ rows: [{ n: 5 }] });
  });

  it('the sweep catches an expiry the connector made whose callback was lost', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT2S' });
    expect((await readTicket(site, key)).status).toBe('Access granted');
    // Polled through the list, not GET /v1/grants/{id}: the same signed request from two clients in one
    // second would read as a replay to the connector.
    const expired = async () => (await app.connector.client.listGrants('expired')).grants.some((grant) => grant.grantId === `${key}.1`);
    await waitFor(async () => ((await expired()) ? true : undefined), 10_000, 200);
    expect((await readTicket(site, key)).status).toBe('Access granted');

    const outcome = await site.runtime.runScheduledTrigger('expiry-sweep');
    expect(outcome).toEqual({ ok: true, value: undefined });
    await settle(site);
    const ended = await readTicket(site, key);
    expect(ended.status).toBe('Access expired');
    expect(ended.property).toMatchObject({ state: 'expired' });
    expect(ended.internal.join('\n')).toContain('the sweep found the grant expired at the connector');
    expect(JSON.stringify(site.runtime.inspect.secretsForTests())).not.toContain(`credential:${key}`);
  });

  it('rides out Jira rate limiting (429 with Retry-After) with bounded retries', async () => {
    const { site } = app;
    site.jsm.admin.setRateLimit({ maxRequests: 3, windowSeconds: 1, retryAfterSeconds: 1 });
    let key: string;
    try {
      key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    } finally {
      site.jsm.admin.setRateLimit(null);
    }
    const limited = site.jsm.calls.log.filter((entry) => entry.status === 429 && entry.identity.kind === 'app').length;
    expect(limited).toBeGreaterThan(0);
    const view = await readTicket(site, key);
    expect(view.status).toBe('Access granted');
    expect(view.property).toMatchObject({ state: 'active' });
  });

  it('a sweep with nothing due makes no Jira call', async () => {
    const { site } = app;
    const before = site.jsm.calls.count({ identity: 'app' });
    await site.runtime.runScheduledTrigger('expiry-sweep');
    expect(site.jsm.calls.count({ identity: 'app' })).toBe(before);
  });

  it('refuses a callback without a valid signature and applies a signed one once', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const body = JSON.stringify({ grantId: `${key}.1`, state: 'revoked', revokedAt: new Date().toISOString(), reason: 'revoked by an operator' });
    const path = new URL(site.runtime.webTriggerUrl('connector-callback')).pathname;
    const unsigned = await site.runtime.callWebTrigger('connector-callback', { method: 'POST', body, headers: { 'content-type': ['application/json'] } });
    expect(unsigned.statusCode).toBe(401);
    const wrong = signRequest('not-the-connector-secret-0000', { timestamp: Math.floor(Date.now() / 1000), method: 'POST', pathWithQuery: path, body });
    const forged = await site.runtime.callWebTrigger('connector-callback', { method: 'POST', body, headers: Object.fromEntries(Object.entries(wrong).map(([k, v]) => [k, [v]])) });
    expect(forged).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'bad_signature' }) });
    expect((await readTicket(site, key)).status).toBe('Access granted');

    const send = async () => {
      const headers = signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'POST', pathWithQuery: path, body });
      return site.runtime.callWebTrigger('connector-callback', { method: 'POST', body, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) });
    };
    expect(await send()).toMatchObject({ statusCode: 200, body: JSON.stringify({ applied: true }) });
    expect(await send()).toMatchObject({ statusCode: 200, body: JSON.stringify({ applied: false }) });
    // The callback claims the record and its ticket writes; the queue consumer makes them.
    await settle(site);
    const view = await readTicket(site, key);
    expect(view.status).toBe('Access revoked');
    expect(view.property).toMatchObject({ state: 'revoked' });
    await app.connector.client.revokeGrant(`${key}.1`);
  });
});
