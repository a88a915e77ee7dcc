import { Client } from 'pg';
import { readableTime } from '../../src/core';
import { z } from 'zod';
import { signRequest } from '../../src/protocol';
import { describeWith } from '../support/servers';
import { postgresFixture, SECRET, waitFor } from '../connector/support/harness';
import { settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, readTicket, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(90_000);

const HEADING = /^Database activity under grant /;

describeWith('postgres', 'the ticket records what was run through the SQL gateway', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let orders: string;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    orders = `${fixture.schema}.orders`;
    app = await installApp({ gateway: true, extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway' }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
  });

  const reveal = async (key: string) => z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(app.site, app.site.people.requester, 'revealCredential', {}, key));

  /** The requester's own pg client, connected where the ticket's credential says: the connector's gateway. */
  const connectAsRequester = async (credential: { username: string; password: string }) => {
    const gateway = app.connector.context.gateway;
    if (!gateway) throw new Error('the gateway did not start');
    const client = new Client({ host: '127.0.0.1', port: gateway.endpoints.postgres?.port ?? 0, database: new URL(url).pathname.slice(1), user: credential.username, password: credential.password });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  it('at expiry (the connector callback) writes one internal comment with the digest, never shown to the customer', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT5S' });
    const credential = await reveal(key);
    const first = await connectAsRequester(credential);
    await first.query(`SELECT total FROM ${orders} WHERE id = 1`);
    await first.query(`SELECT count(*) FROM ${orders} WHERE total > 31337`);
    await first.query(`UPDATE ${orders} SET total = 987654 WHERE id = 2`).catch(() => undefined);
    const second = await connectAsRequester(credential);
    await second.query('SELECT 1');
    const page = await app.connector.context.gateway?.activityPage(`${key}.1`, null);
    const times = page?.statements.map((statement) => statement.at) ?? [];
    expect(times).toHaveLength(4);

    const ended = await waitFor(async () => {
      const view = await readTicket(site, key);
      return view.status === 'Access expired' ? view : undefined;
    }, 20_000, 200);
    const digests = ended.internal.filter((text) => HEADING.test(text));
    expect(digests).toEqual([
      [
        `Database activity under grant ${key}.1, through the SQL gateway:`,
        'Sessions: 2',
        'Statements: 4 (read 3, write 1, DDL 0, other 0)',
        `Tables touched: ${orders}`,
        'Refused statements: 0',
        'Errors: 1',
        `First statement: ${readableTime(times[0] ?? '', 'seconds')}; last statement: ${readableTime(times[3] ?? '', 'seconds')}`,
      ].join('\n'),
    ]);
    expect(ended.public.join('\n')).not.toMatch(/Database activity|Statements:|Tables touched/);
    expect([...ended.internal, ...ended.public].join('\n')).not.toMatch(/987654|31337/);
    await Promise.all([first.end().catch(() => undefined), second.end().catch(() => undefined)]);
  });

  it('at a revoke by the app writes it once; a late callback for the same grant adds nothing', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const session = await connectAsRequester(await reveal(key));
    await session.query(`SELECT id FROM ${orders} WHERE id = 1`);
    await session.end();

    await transitionAs(site, key, site.people.agent, 'Access expired');
    const revoked = await readTicket(site, key);
    expect(revoked.status).toBe('Access expired');
    const digest = await app.connector.client.activityDigest(`${key}.1`);
    expect(digest).toMatchObject({ sessions: 1, statements: 1, byKind: { read: 1, write: 0, ddl: 0, other: 0 }, tables: [orders], errors: 0, blocked: 0 });
    const expected = [
      `Database activity under grant ${key}.1, through the SQL gateway:`,
      'Sessions: 1',
      'Statements: 1 (read 1, write 0, DDL 0, other 0)',
      `Tables touched: ${orders}`,
      'Refused statements: 0',
      'Errors: 0',
      `First statement: ${readableTime(digest.first ?? '', 'seconds')}; last statement: ${readableTime(digest.last ?? '', 'seconds')}`,
    ].join('\n');
    expect(revoked.internal.filter((text) => HEADING.test(text))).toEqual([expected]);

    const body = JSON.stringify({ grantId: `${key}.1`, state: 'expired', revokedAt: new Date().toISOString(), reason: 'expired', activity: digest });
    const path = new URL(site.runtime.webTriggerUrl('connector-callback')).pathname;
    const headers = signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'POST', pathWithQuery: path, body });
    expect(await site.runtime.callWebTrigger('connector-callback', { method: 'POST', body, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) })).toMatchObject({ statusCode: 200 });
    const after = await readTicket(site, key);
    expect(after.internal.filter((text) => HEADING.test(text))).toEqual([expected]);
    expect(after.public.join('\n')).not.toMatch(/Database activity/);
  });
});

describeWith('postgres', 'the sweep records what was run through the SQL gateway when the callback was lost', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    // No callback URL: only the sweep sees the connector's expiries, and it asks for the digest itself.
    app = await installApp({ callback: false, gateway: true, extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway' }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
  });

  it('writes the digest comment once, from GET /v1/grants/{id}/activity', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT2S' });
    const credential = z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const client = new Client({ host: '127.0.0.1', port: app.connector.context.gateway?.endpoints.postgres?.port, database: new URL(url).pathname.slice(1), user: credential.username, password: credential.password });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`SELECT count(*) FROM ${fixture.schema}.orders WHERE total = 20`);
    await client.query('SELECT 1 FROM pg_catalog.pg_class WHERE false');
    const expired = async () => (await app.connector.client.listGrants('expired')).grants.some((grant) => grant.grantId === `${key}.1`);
    await waitFor(async () => ((await expired()) ? true : undefined), 10_000, 200);
    await client.end().catch(() => undefined);

    for (const _ of [1, 2]) await site.runtime.runScheduledTrigger('expiry-sweep');
    // The sweep claims the end and its ticket writes; the queue consumer makes them.
    await settle(site);
    const ended = await readTicket(site, key);
    expect(ended.status).toBe('Access expired');
    const digest = await app.connector.client.activityDigest(`${key}.1`);
    expect(digest).toMatchObject({ sessions: 1, statements: 2, byKind: { read: 2, write: 0, ddl: 0, other: 0 }, tables: ['pg_catalog.pg_class', `${fixture.schema}.orders`].sort() });
    expect(ended.internal.filter((text) => HEADING.test(text))).toEqual([
      [
        `Database activity under grant ${key}.1, through the SQL gateway:`,
        'Sessions: 1',
        'Statements: 2 (read 2, write 0, DDL 0, other 0)',
        `Tables touched: ${digest.tables.join(', ')}`,
        'Refused statements: 0',
        'Errors: 0',
        `First statement: ${readableTime(digest.first ?? '', 'seconds')}; last statement: ${readableTime(digest.last ?? '', 'seconds')}`,
      ].join('\n'),
    ]);
    expect(ended.public.join('\n')).not.toMatch(/Database activity/);
  });
});
