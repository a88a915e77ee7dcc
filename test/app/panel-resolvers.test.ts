import { z } from 'zod';
import { readableTime } from '../../src/core';
import { waitFor } from '../connector/support/harness';
import { installApp, type AppUnderTest } from './support/install-app';
import { answerApproval, raise, readTicket, resolve, resolveOk } from './support/ticket';

jest.setTimeout(90_000);

const panelSchema = z.object({
  grant: z.object({ state: z.string(), window: z.object({ notAfter: z.string() }).optional() }),
  viewer: z.object({ isRequester: z.boolean(), roles: z.array(z.string()) }),
  pendingExtension: z.object({ extendBy: z.string(), requestedAt: z.string(), group: z.string(), groupName: z.string() }).nullable(),
  engine: z.string().nullable(),
});

/** What the ticket panel and the setup tab ask of the resolvers: roles, engine, pending extensions, desks; and what the comments say (retry: retry-failed-grant.test.ts). */
describe('panel and setup resolvers', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    app = await installApp();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
  });

  const panel = async (accountId: string, key: string) => panelSchema.parse(await resolveOk(app.site, accountId, 'getGrant', {}, key));
  /** An emergency fix approved by a DBA lead: active, with the dba-leads group on its approval. */
  const approvedFix = async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 3' });
    expect(await answerApproval(site, key, site.people.approver, 'approve')).toBe(200);
    await waitFor(async () => ((await readTicket(site, key)).status === 'Access granted' ? true : undefined), 10_000, 100);
    return key;
  };

  it('getGrant names the viewer roles and the target engine; an approver of another group sees nothing', async () => {
    const { site } = app;
    const { requester, approver, agent, admin } = site.people;
    const fix = await raise(site, app.ids, requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' });
    expect(await panel(requester, fix)).toMatchObject({ grant: { state: 'awaiting-approval' }, viewer: { isRequester: true, roles: [] }, pendingExtension: null, engine: 'pglite' });
    expect((await panel(approver, fix)).viewer).toEqual({ isRequester: false, roles: ['approver'] });
    expect((await panel(agent, fix)).viewer).toEqual({ isRequester: false, roles: ['agent'] });
    expect((await panel(admin, fix)).viewer).toEqual({ isRequester: false, roles: ['admin'] });
    expect(z.object({ people: z.record(z.string(), z.string()) }).parse(await resolveOk(site, requester, 'getGrant', {}, fix)).people).toEqual({
      [requester]: 'Rita Requester',
      app: 'the app',
      sweep: "the app's expiry sweep",
      jsm: 'Jira Service Management',
      connector: 'the connector',
    });

    // Read-only on dev is approved by no group: a DBA lead is no approver of it.
    const readOnly = await raise(site, app.ids, requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    expect(await resolve(site, approver, 'getGrant', {}, readOnly)).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: requester, approver, agent, admin.' } });
  });

  it('names people by display name; an account Jira can no longer read is "unknown user", never its id', async () => {
    const { site } = app;
    const gone = site.jsm.admin.createUser({ email: 'temp.lead@example.com', displayName: 'Temp Lead' }).accountId;
    site.jsm.admin.addToGroup('dba-leads', gone);
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 4' });
    expect(await answerApproval(site, key, gone, 'approve')).toBe(200);
    await waitFor(async () => ((await readTicket(site, key)).status === 'Access granted' ? true : undefined), 10_000, 100);
    site.jsm.admin.deleteUser(gone);
    const { people } = z.object({ people: z.record(z.string(), z.string()) }).parse(await resolveOk(site, site.people.admin, 'getGrant', {}, key));
    expect(people[gone]).toBe('unknown user');
    expect(people[site.people.requester]).toBe('Rita Requester');
    expect(Object.values(people)).not.toContain(gone);
  });

  it('reads a name through the user API once, and names it from the cache on the next view', async () => {
    const { site } = app;
    const lead = site.jsm.admin.createUser({ email: 'cached.lead@example.com', displayName: 'Cached Lead' }).accountId;
    site.jsm.admin.addToGroup('dba-leads', lead);
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 6' });
    expect(await answerApproval(site, key, lead, 'approve')).toBe(200);
    const account = z.looseObject({ accountId: z.string() });
    const reads = () => site.appCalls.filter((recorded) => recorded.path === '/rest/api/3/user' && account.safeParse(recorded.response).data?.accountId === lead).length;
    const named = async () => z.object({ people: z.record(z.string(), z.string()) }).parse(await resolveOk(site, site.people.agent, 'getGrant', {}, key)).people[lead];
    expect(reads()).toBe(0);
    expect(await named()).toBe('Cached Lead');
    expect(reads()).toBe(1);
    expect(await named()).toBe('Cached Lead');
    expect(reads()).toBe(1);
  });

  it('an approver of the grant revokes it; the comments name the approver, and the embedded target is reached through the SQL console', async () => {
    const { site } = app;
    const key = await approvedFix();
    const granted = await readTicket(site, key);
    expect(granted.internal.join('\n')).toContain(`approval-approved: awaiting-approval → approved\nBy Bob Approver (${site.people.approver}) at`);
    expect(granted.public[granted.public.length - 1]).toMatch(
      /^Access to demo is active until .* UTC\.\nThe embedded demo database demo on target demo has no network address: no database client reaches it \(login jit_\w+\)\.$/,
    );
    expect(granted.public.join('\n')).not.toContain('Connect to');

    expect(await resolveOk(site, site.people.approver2, 'revokeNow', { reason: 'done with it' }, key)).toEqual({ state: 'revoked', pending: false });
    const revoked = await readTicket(site, key);
    expect(revoked.status).toBe('Access revoked');
    expect(revoked.internal[revoked.internal.length - 1]).toContain(`revoked: active → revoked\nBy ${site.people.approver2} at`);
    expect((await app.connector.client.listGrants('revoked')).grants.map((grant) => grant.grantId)).toContain(`${key}.1`);
  });

  it('the requester revoking is named in the internal comment from the request, with no extra Jira call', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const userReads = () => site.appCalls.filter((recorded) => recorded.path === '/rest/api/3/user').length;
    const before = userReads();
    expect(await resolveOk(site, site.people.requester, 'revokeNow', {}, key)).toEqual({ state: 'revoked', pending: false });
    const revoked = await readTicket(site, key);
    expect(revoked.internal[revoked.internal.length - 1]).toContain(`revoked: active → revoked\nBy Rita Requester (${site.people.requester}) at`);
    expect(userReads()).toBe(before);
  });

  it('a request still waiting for approval is cancelled, not revoked: only by its requester, an agent or an admin', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' });
    expect(await resolve(site, site.people.requester, 'revokeNow', {}, key)).toEqual({ ok: false, error: { code: 'invalid_state', message: 'Nothing was granted yet: cancel the request instead.' } });
    expect(await resolve(site, site.people.approver, 'cancelRequest', {}, key)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await resolveOk(site, site.people.requester, 'cancelRequest', {}, key)).toEqual({ state: 'revoked' });
    const cancelled = await readTicket(site, key);
    expect(cancelled.status).toBe('Canceled');
    expect(cancelled.property).toMatchObject({ state: 'revoked' });
    expect(cancelled.internal.at(-1)).toContain('revoked: awaiting-approval → revoked');
    expect(await resolve(site, site.people.requester, 'cancelRequest', {}, key)).toEqual({ ok: false, error: { code: 'invalid_state', message: 'Only a request still waiting for approval can be cancelled.' } });
  });

  it('a duration cut to the level\'s maximum says so in the requester\'s comment and in the panel', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT24H' });
    const cut = 'Access lasts 8 hours: 1 day was asked for, and Read-only troubleshooting allows at most 8 hours.';
    const granted = await readTicket(site, key);
    expect(granted.public.at(-1)).toContain(`\n${cut}`);
    expect(granted.internal.join('\n')).toContain(cut);
    expect(z.object({ reasons: z.array(z.string()) }).parse(await resolveOk(site, site.people.requester, 'getGrant', {}, key)).reasons).toContain(cut);
  });

  it('names and embedded-target comments keep a warm lifecycle within 12 Jira calls', async () => {
    const { site } = app;
    const appCalls = () => site.jsm.calls.count({ identity: 'app' });
    const before = appCalls();
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT2S' });
    await waitFor(async () => ((await readTicket(site, key)).status === 'Access expired' ? true : undefined), 20_000, 100);
    expect(appCalls() - before).toBeLessThanOrEqual(12);
  });

  it('a pending extension shows in getGrant; only an approver, never the requester, approves or declines it', async () => {
    const { site } = app;
    const { requester, approver, approver2 } = site.people;
    const key = await approvedFix();
    const before = (await panel(requester, key)).grant.window?.notAfter ?? '';

    expect(await resolveOk(site, requester, 'requestExtension', { extendBy: 'PT1H' }, key)).toMatchObject({ outcome: 'needs-approval' });
    const waiting = await panel(approver, key);
    expect(waiting.pendingExtension).toEqual({ extendBy: 'PT1H', requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), group: 'dba-leads', groupName: 'DBA leads' });
    expect(await resolve(site, requester, 'requestExtension', { decision: 'approve' }, key)).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only a member of DBA leads answers this extension.' } });

    const after = new Date(Date.parse(before) + 3_600_000).toISOString();
    expect(await resolveOk(site, approver2, 'requestExtension', { decision: 'approve' }, key)).toMatchObject({ outcome: 'extended', notAfter: after, message: `Extended. Access now ends at ${readableTime(after)}, 1 hour later.` });
    expect(await panel(requester, key)).toMatchObject({ pendingExtension: null, grant: { window: { notAfter: after } } });

    await resolveOk(site, requester, 'requestExtension', { extendBy: 'PT30M' }, key);
    expect(await resolveOk(site, approver, 'requestExtension', { decision: 'decline' }, key)).toEqual({ outcome: 'declined', reasons: [`declined by ${approver}`], message: `Declined. Access still ends at ${readableTime(after)}.` });
    expect(await panel(requester, key)).toMatchObject({ pendingExtension: null, grant: { window: { notAfter: after } } });
    expect(await resolve(site, approver, 'requestExtension', { decision: 'approve' }, key)).toEqual({ ok: false, error: { code: 'invalid_state', message: 'No extension is waiting for approval.' } });
  });

  it('listServiceDesks lists the desks for admins only', async () => {
    const { site } = app;
    expect(await resolveOk(site, site.people.admin, 'listServiceDesks')).toEqual({ desks: [{ id: site.serviceDeskId, projectKey: 'JIT', name: 'Database access' }] });
    expect(await resolve(site, site.people.agent, 'listServiceDesks')).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: admin.' } });
  });
});
