import { Client } from 'pg';
import { z } from 'zod';
import { describeWith } from '../support/servers';
import { postgresFixture } from '../connector/support/harness';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, resolve, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(90_000);

const answerSchema = z.object({ digest: z.object({ statements: z.number(), byKind: z.object({ read: z.number(), write: z.number() }), tables: z.array(z.string()), errors: z.number() }).nullable() });

describeWith('postgres', 'the live count of the ticket panel (getActivity) on a target behind the SQL gateway', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    app = await installApp({ gateway: true, extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway' }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
  });

  const count = async (accountId: string, key: string) => answerSchema.parse(await resolveOk(app.site, accountId, 'getActivity', {}, key)).digest;

  it('counts what is run while access is active, for whoever may see the panel, and nothing once access ended', async () => {
    const { site } = app;
    const orders = `${fixture.schema}.orders`;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    expect(await count(site.people.agent, key)).toEqual({ statements: 0, byKind: { read: 0, write: 0 }, tables: [], errors: 0 });

    const credential = z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const session = new Client({ host: '127.0.0.1', port: app.connector.context.gateway?.endpoints.postgres?.port, database: new URL(url).pathname.slice(1), user: credential.username, password: credential.password });
    session.on('error', () => undefined);
    await session.connect();
    await session.query(`SELECT total FROM ${orders} WHERE id = 1`);
    expect(await count(site.people.requester, key)).toEqual({ statements: 1, byKind: { read: 1, write: 0 }, tables: [orders], errors: 0 });
    await session.query(`UPDATE ${orders} SET total = 424242 WHERE id = 2`).catch(() => undefined);
    expect(await count(site.people.agent, key)).toEqual({ statements: 2, byKind: { read: 1, write: 1 }, tables: [orders], errors: 1 });
    const raw = JSON.stringify(await resolve(site, site.people.agent, 'getActivity', {}, key));
    expect(raw).not.toMatch(/424242|UPDATE|SELECT/);

    // Another customer may not see the panel, so not its count either.
    expect(await resolve(site, site.people.requester2, 'getActivity', {}, key)).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: requester, approver, agent, admin.' } });
    await session.end();
    await transitionAs(site, key, site.people.agent, 'Access expired');
    expect(await count(site.people.agent, key)).toBeNull();
  });

  it('answers no count for a direct target, which the connector keeps no record of', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    expect(await count(site.people.agent, key)).toBeNull();
  });
});
