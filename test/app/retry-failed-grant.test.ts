import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import { runAs } from '../../src/connector/drivers/pglite';
import { freePort, settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, readTicket, resolve, resolveOk } from './support/ticket';

jest.setTimeout(90_000);

const historySchema = z.object({ history: z.array(z.object({ event: z.string(), actor: z.string() })) });

/** An admin retries a grant that failed once the connector's outage outlasted every attempt. */
describe('retrying a failed grant', () => {
  let app: AppUnderTest;
  let receiver: Server;
  const alerts: Array<{ kind?: string; ticket?: string }> = [];

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        alerts.push(z.object({ kind: z.string(), ticket: z.string() }).parse(JSON.parse(body)));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(port, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${port}`;
    app = await installApp({ alertWebhookUrl: `${hook}/alerts`, extraEgress: [hook] });
    const current = z.object({ settings: z.unknown(), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(app.site, app.site.people.admin, 'getSettings'));
    await resolveOk(app.site, app.site.people.admin, 'saveSettings', { settings: current.settings, appConfig: { ...current.appConfig, maxGrantAttempts: 2 } });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
    await new Promise((done) => receiver.close(done));
  });

  const activeAtConnector = async (key: string) =>
    (await app.connector.client.listGrants('active')).grants.map((grant) => grant.grantId).filter((grantId) => grantId.startsWith(`${key}.`));

  /** Raises a request while the connector is down and lets both grant attempts fail; the connector stays down. */
  const failedRequest = async (input: { accessLevel: string; breakGlass?: boolean; justification?: string }) => {
    const { site } = app;
    await app.connector.stop();
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', duration: 'PT1H', ...input });
    await site.runtime.clock.advance(30_000);
    await settle(site);
    return key;
  };

  it('only an admin retries; the ticket goes back by "Retry access" and the grant becomes active under a new grant id', async () => {
    const { site } = app;
    const { admin, agent, requester, approver } = site.people;
    const key = await failedRequest({ accessLevel: 'read-only' });
    const failed = await readTicket(site, key);
    expect(failed.status).toBe('Access failed');
    // The requester reads what happened and, with no contact set, what they can do; the error stays internal.
    expect(failed.public.at(-1)).toBe('Access to demo could not be granted, and nothing was granted.\nTo have it retried, reply here to ask the service desk, or raise the request again.');
    expect(failed.internal.join('\n')).toMatch(/Note: unreachable: /);
    // The grant id was assigned when the grant started, before the connector was asked.
    expect(failed.property).toMatchObject({ state: 'failed', grantId: `${key}.1`, attempts: 2, lastError: expect.stringMatching(/^unreachable: /) });

    for (const someone of [requester, agent, approver]) {
      expect(await resolve(site, someone, 'retryGrant', {}, key)).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: admin.' } });
    }
    expect(await readTicket(site, key)).toEqual(failed);

    await app.restartConnector();
    expect(await resolveOk(site, admin, 'retryGrant', {}, key)).toEqual({ queued: true, grantId: `${key}.2` });
    await settle(site);
    const granted = await readTicket(site, key);
    expect(granted.status).toBe('Access granted');
    expect(granted.property).toMatchObject({ state: 'active', grantId: `${key}.2`, attempts: 1, retries: 1 });
    expect(granted.property).not.toHaveProperty('lastError');
    expect(historySchema.parse(granted.property).history.slice(-3)).toEqual([
      { event: 'grant-failed', actor: 'app' },
      { event: 'grant-retried', actor: admin },
      { event: 'grant-succeeded', actor: 'app' },
    ]);
    expect(await activeAtConnector(key)).toEqual([`${key}.2`]);

    const retried = granted.internal.find((comment) => comment.startsWith('grant-retried'));
    expect(retried).toMatch(
      new RegExp(
        [
          '^grant-retried: failed → granting',
          `By ${admin} at .* UTC\\.`,
          'Target demo, access level Read-only troubleshooting \\(connector role read\\)\\.',
          `Grant ${key.replace('-', '\\-')}\\.2\\.`,
          'Retry 1 of the failed grant, under a new grant id; grant attempts start again at 1\\.',
          'Note: after 2 failed attempts: unreachable: .*$',
        ].join('\n'),
      ),
    );
    expect(granted.public.slice(-2)).toEqual([
      'An administrator retried granting access to demo. You will be told here when it is active.',
      expect.stringMatching(/^Access to demo is active until .* UTC\.\nThe embedded demo database/),
    ]);

    const credential = z.object({ username: z.string() }).parse(await resolveOk(site, requester, 'revealCredential', {}, key));
    await expect(runAs(await app.demoDatabase(), credential.username, 'SELECT count(*)::int AS n FROM shop.customers')).resolves.toMatchObject({ rows: [{ n: 5 }] });
    expect(await resolve(site, admin, 'retryGrant', {}, key)).toEqual({ ok: false, error: { code: 'invalid_state', message: 'A grant that is active cannot be retried.' } });
    await resolveOk(site, requester, 'revokeNow', {}, key);
  });

  it('a workflow without the retry transition refuses the retry before anything changes', async () => {
    const { site } = app;
    const key = await failedRequest({ accessLevel: 'read-only' });
    await app.restartConnector();
    const before = await readTicket(site, key);
    const current = z.object({ settings: z.object({ transitions: z.record(z.string(), z.string()) }).loose(), appConfig: z.unknown() }).parse(await resolveOk(site, site.people.admin, 'getSettings'));
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: { ...current.settings, transitions: { ...current.settings.transitions, retry: 'Try once more' } }, appConfig: current.appConfig });
    try {
      expect(await resolve(site, site.people.admin, 'retryGrant', {}, key)).toEqual({
        ok: false,
        error: { code: 'invalid_state', message: `The workflow of ${key} offers no transition "Try once more" from its current status; check the status and transition mapping in the app settings.` },
      });
      await settle(site);
      expect(await readTicket(site, key)).toEqual(before);
      expect(await activeAtConnector(key)).toEqual([]);
    } finally {
      await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: current.appConfig });
    }
  });

  it('a failed break-glass request retried from the approval status is granted and alerts like any break-glass grant', async () => {
    const { site } = app;
    // With a contact set, the failure comment names it.
    const current = z.object({ settings: z.unknown(), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, site.people.admin, 'getSettings'));
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: { ...current.appConfig, contact: 'https://wiki.example.com/dba-on-call' } });
    const key = await failedRequest({ accessLevel: 'emergency-fix', breakGlass: true, justification: 'orders are stuck' }).finally(() =>
      resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: current.appConfig }),
    );
    const failed = await readTicket(site, key);
    expect(failed.status).toBe('Access failed');
    expect(failed.public.at(-1)).toBe('Access to demo could not be granted, and nothing was granted.\nTo have it retried, contact https://wiki.example.com/dba-on-call, or raise the request again.');
    expect(failed.property).toMatchObject({ state: 'failed', breakGlass: true });
    expect(alerts.filter((alert) => alert.ticket === key)).toEqual([]);

    await app.restartConnector();
    expect(await resolveOk(site, site.people.admin, 'retryGrant', {}, key)).toEqual({ queued: true, grantId: `${key}.2` });
    await settle(site);
    const granted = await readTicket(site, key);
    expect(granted.status).toBe('Access granted');
    expect(granted.property).toMatchObject({ state: 'active', grantId: `${key}.2`, breakGlass: true, retries: 1 });
    expect(alerts.filter((alert) => alert.ticket === key)).toEqual([{ kind: 'jit-access.break-glass', ticket: key }]);
    expect(await activeAtConnector(key)).toEqual([`${key}.2`]);
    await resolveOk(site, site.people.requester, 'revokeNow', {}, key);
  });
});
