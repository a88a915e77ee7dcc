import { z } from 'zod';
import { describeWith } from '../support/servers';
import { postgresFixture, waitFor } from '../connector/support/harness';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, readTicket, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(90_000);

describeWith('postgres', 'auto-approved read-only access on a real PostgreSQL login', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    // The fixture's target, in the dev environment so the read-only rule approves it automatically.
    app = await installApp({ extraTargets: [{ ...fixture.target, environment: 'dev' }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
  });

  it('grants a login that works over TCP until the window closes, then no longer', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT5S' });
    const granted = await readTicket(site, key);
    expect(granted.property).toMatchObject({ state: 'active', target: fixture.target.id, role: 'read' });
    // A real server: the comment gives its address (an embedded target would point at the SQL console).
    expect(granted.public[granted.public.length - 1]).toMatch(/\nConnect to [^\s:]+:[1-9]\d*, database \S+ as jit_\w+\.\n/);
    expect(await resolveOk(site, site.people.requester, 'getGrant', {}, key)).toMatchObject({ engine: 'postgres', viewer: { isRequester: true, roles: [] } });
    const credential = z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const session = await fixture.login(credential.username, credential.password);
    expect((await session.query(`SELECT count(*)::int AS n FROM ${fixture.schema}.orders`)).rows).toEqual([{ n: 2 }]);
    await session.end();

    const ended = await waitFor(async () => {
      const view = await readTicket(site, key);
      return view.status === 'Access expired' ? view : undefined;
    }, 20_000, 200);
    expect(ended.property).toMatchObject({ state: 'expired' });
    await expect(fixture.login(credential.username, credential.password)).rejects.toThrow();
    expect(await fixture.managedCount()).toBe(0);
  });

  it('revokes the login at once when a person marks access expired by hand', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const credential = z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const session = await fixture.login(credential.username, credential.password);
    await session.end();

    await transitionAs(site, key, site.people.agent, 'Access expired');
    expect(await readTicket(site, key)).toMatchObject({ status: 'Access expired', property: { state: 'expired' } });
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('revoked');
    await expect(fixture.login(credential.username, credential.password)).rejects.toThrow();
    expect(await fixture.managedCount()).toBe(0);
  });
});
