import { z } from 'zod';
import { installedApp } from './support/install-app';
import { settle } from './support/app-site';
import { asUser, call, raise, readTicket, resolve, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(90_000);

const formSchema = z.object({
  kind: z.enum(['access', 'break-glass']).nullable(),
  targets: z.array(z.object({ id: z.string(), environment: z.string(), engine: z.string() })),
  levels: z.array(z.object({ id: z.string(), name: z.string(), maxDuration: z.string(), requiresChange: z.boolean() })),
});
const changesSchema = z.object({ changes: z.array(z.object({ key: z.string(), summary: z.string(), status: z.string(), plannedStart: z.string().optional(), plannedEnd: z.string().optional() })) });

/** The portal form: what it offers a customer, the changes it finds, and the request its answers make. */
describe('portal request form', () => {
  // Break-glass is enabled only with an alert destination (none is sent here: nothing is granted by break-glass).
  const app = installedApp({ alertWebhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' });

  /** Raises a request as JSM's portal does: the panel's answers as the jit-request issue property, set with the request. */
  const raiseFromPortal = async (reporter: string, answers: unknown, options: { breakGlass?: boolean; textFields?: Record<string, string> } = {}) => {
    const { site, ids } = app();
    const response = await site.jsm.raisePortalRequest(
      reporter,
      {
        serviceDeskId: site.serviceDeskId,
        requestTypeId: options.breakGlass ? ids.requestTypes.breakGlass : ids.requestTypes.access,
        requestFieldValues: { summary: 'Database access', ...options.textFields },
      },
      [{ key: 'jit-request', value: answers }],
    );
    const body: unknown = await response.json();
    if (response.status !== 201) throw new Error(`portal refused: ${response.status} ${JSON.stringify(body)}`);
    await settle(site);
    return z.object({ issueKey: z.string() }).parse(body).issueKey;
  };

  it('offers a customer every target with its environment and the levels of the request type; nothing on other types', async () => {
    const { site, ids } = app();
    const access = formSchema.parse(await resolveOk(site, site.people.requester2, 'requestForm', { requestTypeId: ids.requestTypes.access }));
    expect(access.kind).toBe('access');
    expect(access.targets).toEqual([{ id: 'demo', environment: 'dev', engine: 'pglite' }]);
    expect(access.levels.map((level) => level.id)).toEqual(['read-only', 'emergency-fix', 'maintenance', 'schema-change']);
    expect(access.levels.find((level) => level.id === 'schema-change')).toMatchObject({ maxDuration: 'PT8H', requiresChange: true });

    const breakGlass = formSchema.parse(await resolveOk(site, site.people.requester2, 'requestForm', { requestTypeId: ids.requestTypes.breakGlass }));
    expect(breakGlass).toMatchObject({ kind: 'break-glass', levels: [{ id: 'emergency-fix' }] });
    expect(await resolveOk(site, site.people.requester2, 'requestForm', { requestTypeId: '999' })).toEqual({ kind: null, targets: [], levels: [] });
    expect(await resolve(site, site.people.requester2, 'requestForm', { requestTypeId: ids.requestTypes.access, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    // Whom to ask, once an admin names someone, comes with the form.
    expect(await resolveOk(site, site.people.requester2, 'requestForm', { requestTypeId: ids.requestTypes.access })).not.toHaveProperty('contact');
    const current = z.object({ settings: z.unknown(), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, site.people.admin, 'getSettings'));
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: { ...current.appConfig, contact: 'the DBA team (#dba-help)' } });
    expect(await resolveOk(site, site.people.requester2, 'requestForm', { requestTypeId: ids.requestTypes.access })).toMatchObject({ contact: 'the DBA team (#dba-help)' });
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: current.appConfig });
  });

  it('finds open changes by key or summary with their status and planned window', async () => {
    const { site } = app();
    const agent = asUser(site.people.agent);
    const fields = z.array(z.object({ id: z.string(), name: z.string() })).parse((await call(site, agent, 'GET', '/rest/api/3/field')).body);
    const fieldId = (name: string) => fields.find((field) => field.name === name)?.id ?? '';
    const start = '2026-12-01T14:00:00.000Z';
    const end = '2026-12-01T16:00:00.000Z';
    const created = await call(site, agent, 'POST', '/rest/api/3/issue', {
      fields: { project: { key: 'CHG' }, issuetype: { name: 'Change' }, summary: 'Reindex orders table', [fieldId('Planned start')]: start, [fieldId('Planned end')]: end },
    });
    const key = z.object({ key: z.string() }).parse(created.body).key;
    await transitionAs(site, key, site.people.agent, 'Ready for implementation');

    const found = changesSchema.parse(await resolveOk(site, site.people.requester, 'findChanges', { query: 'reindex' }));
    expect(found.changes).toEqual([{ key, summary: 'Reindex orders table', status: 'Awaiting implementation', plannedStart: start, plannedEnd: end }]);
    expect(changesSchema.parse(await resolveOk(site, site.people.requester, 'findChanges', { query: key.toLowerCase() })).changes.map((change) => change.key)).toEqual([key]);
    // Typed text never reaches JQL: a quote or a JQL clause only filters, and matches nothing.
    expect(await resolveOk(site, site.people.requester, 'findChanges', { query: '" OR project = JIT' })).toEqual({ changes: [] });
  });

  it('grants what the form answered: level, duration and reason from the issue property', async () => {
    const { site } = app();
    const key = await raiseFromPortal(site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT30M', justification: 'INC-7: slow checkout' });
    const ticket = await readTicket(site, key);
    expect(ticket.property).toMatchObject({ target: 'demo', accessLevel: 'read-only', duration: 'PT30M', rule: { id: 'read-only-dev' } });
    expect(ticket.status).toBe('Access granted');
  });

  it('the form wins over the text fields, and a start in the future schedules the grant', async () => {
    const { site, ids } = app();
    const start = new Date(Date.now() + 2 * 3600_000);
    start.setUTCMilliseconds(0);
    const key = await raiseFromPortal(
      site.people.requester,
      { target: 'demo', accessLevel: 'read-only', duration: 'PT1H', requestedStart: start.toISOString(), justification: 'Nightly report check' },
      { textFields: { [ids.fields.duration]: 'PT4H' } },
    );
    const property = (await readTicket(site, key)).property;
    expect(property).toMatchObject({ state: 'scheduled', duration: 'PT1H', window: { notBefore: start.toISOString(), notAfter: new Date(start.getTime() + 3600_000).toISOString() } });
  });

  it('a property that does not parse counts for nothing: the request is refused for what it does not say', async () => {
    const { site } = app();
    const key = await raiseFromPortal(site.people.requester, { target: 'demo', accessLevel: 'read-only', role: 'superuser' });
    const ticket = await readTicket(site, key);
    expect(ticket.property).toMatchObject({ state: 'denied', rule: { id: 'invalid-request' } });
    expect(ticket.public.join('\n')).toContain('The request does not say the target database or the access level.');
  });

  it('JSM refuses a property over its size limit before anything is created', async () => {
    const { site, ids } = app();
    const before = await raise(site, ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', justification: 'count check' });
    const response = await site.jsm.raisePortalRequest(site.people.requester, { serviceDeskId: site.serviceDeskId, requestTypeId: ids.requestTypes.access, requestFieldValues: { summary: 'x' } }, [
      { key: 'jit-request', value: { justification: 'x'.repeat(40_000) } },
    ]);
    expect(response.status).toBe(400);
    const next = Number(before.split('-')[1]) + 1;
    expect((await call(site, asUser(site.people.agent), 'GET', `/rest/api/3/issue/JIT-${next}`)).status).toBe(404);
  });
});
