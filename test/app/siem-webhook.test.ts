import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import { z } from 'zod';
import { describeWith } from '../support/servers';
import { postgresFixture } from '../connector/support/harness';
import { freePort, settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { raise, readTicket, resolve, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(120_000);

const settingsSchema = z.object({ settings: z.record(z.string(), z.unknown()), appConfig: z.record(z.string(), z.unknown()) });

describeWith('postgres', 'the SIEM webhook gets every lifecycle event and every activity digest', (url) => {
  let app: AppUnderTest;
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let receiver: Server;
  let hook = '';
  let refuse = true;
  const received: Array<{ status: number; body: string }> = [];

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    fixture = await postgresFixture(url);
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = refuse ? 503 : 202;
        received.push({ status, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(port, '127.0.0.1', done));
    hook = `http://127.0.0.1:${port}`;
    app = await installApp({ gateway: true, extraEgress: [hook], extraTargets: [{ ...fixture.target, environment: 'dev', access: 'gateway' }] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
    await fixture?.cleanup();
    await new Promise((done) => receiver?.close(done));
  });

  const saveSiem = async (siemWebhookUrl: string) => {
    const { site } = app;
    const current = settingsSchema.parse(await resolveOk(site, site.people.admin, 'getSettings'));
    return resolve(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: { ...current.appConfig, siemWebhookUrl } });
  };

  /** Moves the grant's owed writes ten minutes into the past, as if their writer had died then, and runs the sweep. */
  const sweep = async (key: string) => {
    const value = z.looseObject({ meta: z.looseObject({ effects: z.array(z.looseObject({ at: z.string() })) }) }).parse(app.site.runtime.inspect.kvs().entities.grant?.[key]);
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    app.site.runtime.kvsStoreForTests.set({ kind: 'entity', entityName: 'grant' }, key, { ...value, dueAt: 0, meta: { ...value.meta, effects: value.meta.effects.map((effect) => ({ ...effect, at })) } });
    expect((await app.site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
    await settle(app.site);
  };

  it('refuses a webhook this deployment cannot fetch, as the alert webhook', async () => {
    expect(await saveSiem('http://siem.example.org/collect')).toEqual({ ok: false, error: { code: 'invalid_payload', message: 'The SIEM webhook must use https: Forge fetches only HTTPS addresses (http://siem.example.org).' } });
    expect(await saveSiem('https://siem.example.org/collect')).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(/^This deployment of the app may not reach https:\/\/siem\.example\.org \(the SIEM webhook\)/) } });
    expect(settingsSchema.parse(await resolveOk(app.site, app.site.people.admin, 'getSettings')).appConfig.siemWebhookUrl).toBeUndefined();
  });

  it('while the webhook refuses, the ticket is written all the same; the sweep delivers every event in order once it accepts, and never a secret or a literal', async () => {
    const { site } = app;
    expect(await saveSiem(`${hook}/siem`)).toEqual({ ok: true, data: { saved: true } });
    const key = await raise(site, app.ids, site.people.requester, { target: fixture.target.id, accessLevel: 'read-only', duration: 'PT1H' });
    const credential = z.object({ username: z.string(), password: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const session = new Client({ host: '127.0.0.1', port: app.connector.context.gateway?.endpoints.postgres?.port, database: new URL(url).pathname.slice(1), user: credential.username, password: credential.password });
    session.on('error', () => undefined);
    await session.connect();
    await session.query(`SELECT total FROM ${fixture.schema}.orders WHERE total > 777123`);
    await session.end();
    await transitionAs(site, key, site.people.agent, 'Access expired');
    await settle(site);

    // The SIEM outage holds nothing back: the ticket has its move, comments, property and file.
    const ended = await readTicket(site, key);
    expect(ended.status).toBe('Access expired');
    expect(ended.property).toMatchObject({ state: 'expired' });
    expect(ended.internal.some((text) => text.startsWith(`Database activity under grant ${key}.1`))).toBe(true);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((delivery) => delivery.status === 503)).toBe(true);
    const owed = z.object({ meta: z.object({ effects: z.array(z.object({ kind: z.string() })) }) }).parse(site.runtime.inspect.kvs().entities.grant?.[key]);
    expect(new Set(owed.meta.effects.map((effect) => effect.kind))).toEqual(new Set(['siem']));

    // The first event was tried each time, and only it: the others wait behind it, in order.
    const tried = new Set(received.map((delivery) => z.object({ id: z.string() }).parse(JSON.parse(delivery.body)).id));
    expect(tried.size).toBe(1);

    refuse = false;
    const before = received.length;
    await sweep(key);
    const accepted = received.slice(before).filter((delivery) => delivery.status === 202).map((delivery): unknown => JSON.parse(delivery.body));
    const history = z.object({ history: z.array(z.object({ event: z.string(), from: z.string(), to: z.string(), at: z.string(), actor: z.string() })) }).parse(ended.property).history;
    const digest = await app.connector.client.activityDigest(`${key}.1`);
    const lifecycle = history.map(({ event, from, to, at, actor }) => expect.objectContaining({ type: 'jit-access.lifecycle', ticket: key, event, from, to, at, actor, target: fixture.target.id, accessLevel: 'read-only', role: 'read', requester: site.people.requester, breakGlass: false }));
    // The digest is owed with the end step's other writes, before the store adds that step's lifecycle event.
    expect(accepted).toEqual([...lifecycle.slice(0, -1), { id: expect.any(String), type: 'jit-access.activity', ticket: key, grantId: `${key}.1`, digest }, lifecycle.at(-1)]);
    const ids = accepted.map((event) => z.object({ id: z.string() }).parse(event).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe([...tried][0]);
    const all = received.map((delivery) => delivery.body).join('\n');
    expect(all).not.toContain(credential.password);
    expect(all).not.toContain('777123');
    expect(all).not.toMatch(/password|secret/i);

    // Delivered is done: the grant is closed and a later sweep sends nothing more.
    expect(site.runtime.inspect.kvs().entities.grant?.[key]).toMatchObject({ phase: 'closed', meta: { effects: [] } });
    const delivered = received.length;
    await sweep(key);
    expect(received.length).toBe(delivered);
  });
});
