import { z } from 'zod';
import { createSite, type Site } from './support/app-site';
import { resolve, resolveOk } from './support/ticket';
import { dbaWorkflow } from '../../src/sandbox/start/sandbox-workflow';

jest.setTimeout(60_000);

const setupResult = z.object({
  requestTypes: z.object({ access: z.string().optional(), breakGlass: z.string().optional() }),
  nextSteps: z.array(z.string()),
});
const checklist = z.object({ items: z.array(z.object({ id: z.string(), done: z.boolean(), detail: z.string() })) });
const requestTypesItem = async (site: Site) => checklist.parse(await resolveOk(site, site.people.admin, 'setupChecklist')).items.find((item) => item.id === 'request-types');
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const stored = z.object({ settings: z.object({ requestTypes: z.object({ access: z.string().optional(), breakGlass: z.string().optional() }).passthrough() }).passthrough(), appConfig: z.record(z.string(), z.unknown()) });

/** Sets the break-glass alert webhook, which setup needs to enable break-glass. */
async function setWebhook(site: Site): Promise<void> {
  const { settings, appConfig } = stored.parse(await resolveOk(site, site.people.admin, 'getSettings'));
  await resolveOk(site, site.people.admin, 'saveSettings', { settings, appConfig: { ...appConfig, alertWebhookUrl: HOOK } });
}

describe('setup on a Jira Service Management site as the platform allows it', () => {
  let site: Site;

  beforeEach(() => {
    site = createSite({ extraBackendEgress: ['http://127.0.0.1:8787'] });
  });

  afterEach(async () => {
    await site.runtime.stop();
  });

  it('creates the request types with the experimental opt-in, and the checklist says they are hidden until the admin puts them in a portal group', async () => {
    await setWebhook(site);
    const setup = setupResult.parse(await resolveOk(site, site.people.admin, 'setupRequestTypes', { serviceDeskId: site.serviceDeskId }));
    const { access, breakGlass } = setup.requestTypes;
    expect(access && breakGlass).toBeTruthy();
    expect(setup.nextSteps.filter((step) => step.includes('in a portal group')).length).toBe(2);
    expect(site.jsm.calls.count({ method: 'POST', path: /\/requesttype$/, identity: 'app' })).toBe(2);
    const hidden = await requestTypesItem(site);
    expect(hidden).toMatchObject({ done: false, detail: expect.stringContaining('Customers cannot see "Database access" and "Emergency database access (break-glass)"') });
    for (const id of [access, breakGlass]) site.jsm.admin.setRequestTypeGroups(id ?? '', ['1']);
    expect(await requestTypesItem(site)).toMatchObject({ done: true });
    // Running it again creates nothing.
    await resolveOk(site, site.people.admin, 'setupRequestTypes', { serviceDeskId: site.serviceDeskId });
    expect(site.jsm.calls.count({ method: 'POST', path: /\/requesttype$/, identity: 'app' })).toBe(2);
  });

  it('in a team-managed project creates nothing it may not, and says exactly what to create by hand; the next run maps what the admin made', async () => {
    await setWebhook(site);
    const team = site.jsm.admin.createServiceDesk({ key: 'TEAM', name: 'Team desk', teamManaged: true, workflows: { 'Service Request with Approvals': dbaWorkflow } });
    const setup = setupResult.parse(await resolveOk(site, site.people.admin, 'setupRequestTypes', { serviceDeskId: team.serviceDeskId }));
    expect(setup.requestTypes).toEqual({});
    expect(setup.nextSteps[0]).toContain('Create the request type "Database access" by hand (JSM creates no request type by API in a team-managed project');
    expect(setup.nextSteps[1]).toContain('"Emergency database access (break-glass)"');
    expect(site.jsm.calls.count({ method: 'POST', path: /\/requesttype$/ })).toBe(0);
    expect(await requestTypesItem(site)).toMatchObject({ done: false });

    const byHand = ['Database access', 'Emergency database access (break-glass)'].map((name) =>
      site.jsm.admin.createRequestType({ serviceDeskId: team.serviceDeskId, name, issueTypeName: 'Service Request with Approvals', groupIds: ['1'] }).id,
    );
    const mapped = setupResult.parse(await resolveOk(site, site.people.admin, 'setupRequestTypes', { serviceDeskId: team.serviceDeskId }));
    expect(mapped.requestTypes).toEqual({ access: byHand[0], breakGlass: byHand[1] });
    expect(await requestTypesItem(site)).toMatchObject({ done: true });
  });

  it('takes a connector address or alert webhook only if this deployment may fetch it, over https outside the sandbox', async () => {
    const secret = 'a-signing-secret-of-some-length';
    const refusal = async (url: string) => {
      const result = await resolve(site, site.people.admin, 'setConnector', { url, secret });
      return result.ok ? 'saved' : result.error.message;
    };
    // In the manifest's egress, but plain http to a real host: Forge fetches only HTTPS.
    expect(await refusal('http://connector.example.com')).toContain('must use https');
    // https, but not in permissions.external.fetch.backend: the first grant would fail.
    expect(await refusal('https://db-connector.internal.example.org')).toContain('Add "- address: https://db-connector.internal.example.org" under permissions.external.fetch.backend');
    expect(await refusal('https://connector.example.com:8443')).toContain('may not reach https://connector.example.com:8443');
    expect(await refusal('https://connector.example.com')).toBe('saved');
    // The sandbox's own connector, on a loopback address the sandbox runtime allows.
    expect(await refusal('http://127.0.0.1:8787')).toBe('saved');
    const settings = z.object({ settings: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, site.people.admin, 'getSettings')).settings;
    const saved = await resolve(site, site.people.admin, 'saveSettings', { settings: { ...settings, connectorUrl: 'https://elsewhere.example.net' } });
    expect(saved).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringContaining('may not reach https://elsewhere.example.net (the connector URL)') } });
    // The break-glass alert webhook is checked the same way.
    const appConfig = z.object({ appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, site.people.admin, 'getSettings')).appConfig;
    const webhook = (url: string) => resolve(site, site.people.admin, 'saveSettings', { settings, appConfig: { ...appConfig, alertWebhookUrl: url } });
    expect(await webhook('https://hooks.example.org/T000')).toMatchObject({ ok: false, error: { message: expect.stringContaining('(the alert webhook)') } });
    expect(await webhook('https://hooks.slack.com/services/T000/B000/XXXX')).toMatchObject({ ok: true });
  });

  it('never enables break-glass without an alert destination', async () => {
    const admin = site.people.admin;
    const { settings, appConfig } = z.object({ settings: z.record(z.string(), z.unknown()), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, admin, 'getSettings'));
    const requestTypes = z.object({ serviceDeskId: z.string().optional() }).passthrough().parse(settings.requestTypes);
    const save = (breakGlass: string | undefined, alertWebhookUrl: string | undefined) =>
      resolve(site, admin, 'saveSettings', {
        settings: { ...settings, requestTypes: { ...requestTypes, ...(breakGlass ? { breakGlass } : {}) } },
        appConfig: { ...appConfig, ...(alertWebhookUrl ? { alertWebhookUrl } : {}) },
      });
    const hook = 'https://hooks.slack.com/services/T000/B000/XXXX';
    expect(await save('42', undefined)).toEqual({
      ok: false,
      error: {
        code: 'invalid_payload',
        message:
          'The break-glass request type cannot be enabled without an alert destination: nobody would be told of emergency access. Set the alert webhook (App options on the Setup tab) in this save or before it, then enable break-glass.',
      },
    });
    expect(z.object({ settings: z.object({ requestTypes: z.object({ breakGlass: z.string().optional() }) }) }).parse(await resolveOk(site, admin, 'getSettings')).settings.requestTypes.breakGlass).toBeUndefined();
    // With a destination in the same save it is enabled; the destination is then kept while it is.
    expect(await save('42', hook)).toEqual({ ok: true, data: { saved: true } });
    expect(await save('42', undefined)).toEqual({
      ok: false,
      error: {
        code: 'invalid_payload',
        message:
          'The alert webhook cannot be removed while the break-glass request type is enabled: nobody would be told of emergency access. Enter another alert webhook instead, or turn break-glass off first by removing its request type from the settings (docs/admin-guide.md, section 7).',
      },
    });
    expect(stored.parse(await resolveOk(site, admin, 'getSettings')).appConfig.alertWebhookUrl).toBe(hook);
    // Turned off first, the destination may go.
    expect(await save(undefined, hook)).toEqual({ ok: true, data: { saved: true } });
    expect(await save(undefined, undefined)).toEqual({ ok: true, data: { saved: true } });
  });

  it('setup enables break-glass only once an alert destination is set, and says so', async () => {
    const first = setupResult.parse(await resolveOk(site, site.people.admin, 'setupRequestTypes', { serviceDeskId: site.serviceDeskId }));
    expect(first.nextSteps[0]).toBe(
      'Break-glass is not enabled: it grants before anyone looks, and no alert destination is set. Set the alert webhook (App options on this tab), then click Create request types again to enable "Emergency database access (break-glass)".',
    );
    const mapped = async () => stored.parse(await resolveOk(site, site.people.admin, 'getSettings'));
    expect((await mapped()).settings.requestTypes).toEqual({ serviceDeskId: site.serviceDeskId, access: first.requestTypes.access });
    for (const id of [first.requestTypes.access, first.requestTypes.breakGlass]) site.jsm.admin.setRequestTypeGroups(id ?? '', ['1']);
    expect(await requestTypesItem(site)).toMatchObject({ done: false, detail: 'Break-glass is not enabled: set the alert webhook (App options), then click Create request types again.' });
    await setWebhook(site);
    const second = setupResult.parse(await resolveOk(site, site.people.admin, 'setupRequestTypes', { serviceDeskId: site.serviceDeskId }));
    expect(second.nextSteps.some((step) => step.startsWith('Break-glass is not enabled'))).toBe(false);
    expect((await mapped()).settings.requestTypes).toEqual({ serviceDeskId: site.serviceDeskId, ...first.requestTypes });
    expect(await requestTypesItem(site)).toMatchObject({ done: true });
  });

  it("never sends a connector call outside the manifest's egress: an address this deployment may not fetch is refused before any call", async () => {
    // The default connector URL (http://127.0.0.1:8787), on a runtime whose egress is the manifest's alone.
    const deployed = createSite({ extraBackendEgress: [] });
    try {
      const result = await resolve(deployed, deployed.people.admin, 'testConnection', { saveTargets: false });
      expect(result).toMatchObject({ ok: false, error: { code: 'not_configured', message: expect.stringContaining('may not reach http://127.0.0.1:8787') } });
    } finally {
      await deployed.runtime.stop();
    }
  });
});
