import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import { freePort, settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { asUser, call, raise, readTicket, resolveOk } from './support/ticket';

/** Moves the grant's owed writes and its queued job twenty minutes into the past, as if the sweep came then. */
function age(app: AppUnderTest, key: string): void {
  const value = z
    .looseObject({ meta: z.looseObject({ effects: z.array(z.looseObject({ at: z.string() })), job: z.looseObject({ deliverAt: z.string() }).optional() }) })
    .parse(app.site.runtime.inspect.kvs().entities.grant?.[key]);
  const past = new Date(Date.now() - 20 * 60_000).toISOString();
  const meta = { ...value.meta, effects: value.meta.effects.map((effect) => ({ ...effect, at: past })), ...(value.meta.job ? { job: { ...value.meta.job, deliverAt: past } } : {}) };
  app.site.runtime.kvsStoreForTests.set({ kind: 'entity', entityName: 'grant' }, key, { ...value, dueAt: 0, meta });
}

jest.setTimeout(180_000);

/** The Jira writes of one lifecycle (auto-approved, granted, revoked by the requester), in the order the app makes them. */
const WRITES = [
  'move to Approved',
  'move to Access granted',
  'grant: internal comment',
  'grant: public comment',
  'grant: property',
  'move to Access revoked',
  'revoke: internal comment',
  'revoke: public comment',
  'revoke: property',
] as const;

const isWrite = (method: string, path: string) =>
  (method === 'POST' && (path.endsWith('/transitions') || path.endsWith('/comment'))) || (method === 'PUT' && path.includes('/properties/'));

const storedSchema = z.object({
  record: z.object({ state: z.string(), history: z.array(z.unknown()) }),
  meta: z.object({ effects: z.array(z.unknown()) }),
});

// Each write of the lifecycle fails once, refused or with its answer lost after Jira applied it; the
// ticket, the property, the entity and the connector still converge, every write in outcome once.
describe('a Jira write that fails once at any step of a lifecycle', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    app = await installApp();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
  });

  /** Moves the grant's owed writes ten minutes into the past, as if their writer had died then. */
  function ageEffects(key: string): void {
    const store = app.site.runtime.kvsStoreForTests;
    const value = z.looseObject({ meta: z.looseObject({ effects: z.array(z.looseObject({ at: z.string() })) }) }).parse(app.site.runtime.inspect.kvs().entities.grant?.[key]);
    if (value.meta.effects.length === 0) return;
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    store.set({ kind: 'entity', entityName: 'grant' }, key, { ...value, dueAt: 0, meta: { ...value.meta, effects: value.meta.effects.map((effect) => ({ ...effect, at })) } });
  }

  const rows = WRITES.flatMap((write, index) => (['refuse', 'lose-answer'] as const).map((mode) => [write, mode, index + 1] as const));

  it.each(rows)('%s (%s)', async (_write, mode, nth) => {
    const { site } = app;
    let seen = 0;
    site.failOnce((method, path) => isWrite(method, path) && path.includes('/JIT-') && (seen += 1) === nth, mode);
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    await resolveOk(site, site.people.requester, 'revokeNow', {}, key);
    await settle(site);
    // Whatever is still owed, the sweep replays once its writer has had its chance (the app keeps wall-clock
    // time, so the test ages what was written instead of waiting).
    for (let round = 0; round < 2; round += 1) {
      ageEffects(key);
      expect((await site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
      await settle(site);
    }

    const stored = storedSchema.parse(site.runtime.inspect.kvs().entities.grant?.[key]);
    expect(stored.meta.effects).toEqual([]);
    const ticket = await readTicket(site, key);
    expect(ticket.status).toBe('Access revoked');
    expect(ticket.property).toEqual(expect.objectContaining({ state: 'revoked' }));
    expect(z.object({ history: z.array(z.unknown()) }).parse(ticket.property).history).toHaveLength(stored.record.history.length);
    const internal = (event: string) => ticket.internal.filter((text) => text.includes(`${event}: `)).length;
    expect([internal('policy-approved'), internal('grant-succeeded'), internal('revoked')]).toEqual([1, 1, 1]);
    expect(ticket.public).toEqual([expect.stringMatching(/^Access to demo is active until /), 'Access to demo was revoked. If you still need access, raise a new request.']);
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('revoked');
    expect(seen).toBeGreaterThanOrEqual(nth);
  });
});

// The trigger claims the record and its ticket writes and queues them; the queue consumer that makes them
// is cut off at its time limit mid-write. The platform delivers it again, the sweep replays what is still
// owed, and re-sends the grant job if it was lost.
describe('a queue consumer cut off at its time limit while moving the ticket', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    // 40 ms per limit second: the consumer's 120 s limit is 4.8 s.
    app = await installApp({ msPerLimitSecond: 40 });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
  });


  it('converges: the ticket, the property, the entity and the connector', async () => {
    const { site } = app;
    site.failOnce((method, path) => method === 'POST' && path.endsWith('/transitions'), 'hang');
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const invocations = site.runtime.inspect.invocations();
    expect(invocations.filter((record) => record.kind === 'trigger').every((record) => record.outcome === 'ok')).toBe(true);
    expect(invocations.some((record) => record.kind === 'consumer' && record.outcome !== 'ok')).toBe(true);
    const cut = await readTicket(site, key);
    expect(cut.status).toBe('Waiting for approval');
    // The grant went on without the ticket (its job needs no move); the ticket lags, never claims more.
    expect(storedSchema.parse(site.runtime.inspect.kvs().entities.grant?.[key]).record.state).toBe('active');

    for (let round = 0; round < 3; round += 1) {
      age(app, key);
      expect((await site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
      await settle(site);
    }
    const stored = storedSchema.parse(site.runtime.inspect.kvs().entities.grant?.[key]);
    expect(stored).toMatchObject({ record: { state: 'active' }, meta: { effects: [] } });
    const ticket = await readTicket(site, key);
    expect(ticket.status).toBe('Access granted');
    expect(ticket.property).toEqual(expect.objectContaining({ state: 'active', grantId: `${key}.1` }));
    expect(ticket.internal.filter((text) => text.includes('policy-approved: ')).length).toBe(1);
    expect(ticket.public).toEqual([expect.stringMatching(/^Access to demo is active until /)]);
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('active');
  });
});

// The break-glass review task is an outbox write too: creating it fails once, refused or with its answer
// lost after Jira made the issue. Emergency access is not held up, and the replay finds the task it made
// (by the property naming the request) instead of making a second one.
describe('the break-glass review task when creating it fails once', () => {
  let app: AppUnderTest;
  let receiver: Server;
  const alerts: Array<{ ticket?: string }> = [];
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        alerts.push(z.looseObject({ ticket: z.string().optional() }).parse(JSON.parse(body)));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(port, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${port}`;
    app = await installApp({ alertWebhookUrl: `${hook}/alerts`, extraEgress: [hook] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
    await new Promise((done) => receiver.close(done));
  });

  const reviewSchema = z.object({ meta: z.object({ effects: z.array(z.unknown()), reviewTask: z.string().optional() }) });

  it.each(['refuse', 'lose-answer'] as const)('one task, linked to the request and named on the grant (%s)', async (mode) => {
    const { site } = app;
    let failed = 0;
    site.failOnce((method, path) => method === 'POST' && path === '/rest/api/3/issue' && (failed += 1) === 1, mode);
    const key = await raise(site, app.ids, site.people.requester2, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT30M', justification: 'checkout down', breakGlass: true });
    expect(failed).toBe(1);
    // Emergency access went ahead without the task; the ticket's writes wait behind it, in order.
    expect(storedSchema.parse(site.runtime.inspect.kvs().entities.grant?.[key]).record.state).toBe('active');
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('active');

    for (let round = 0; round < 2; round += 1) {
      const value = z.looseObject({ meta: z.looseObject({ effects: z.array(z.looseObject({ at: z.string() })) }) }).parse(site.runtime.inspect.kvs().entities.grant?.[key]);
      const at = new Date(Date.now() - 10 * 60_000).toISOString();
      site.runtime.kvsStoreForTests.set({ kind: 'entity', entityName: 'grant' }, key, { ...value, dueAt: 0, meta: { ...value.meta, effects: value.meta.effects.map((effect) => ({ ...effect, at })) } });
      expect((await site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
      await settle(site);
    }

    const stored = reviewSchema.parse(site.runtime.inspect.kvs().entities.grant?.[key]);
    expect(stored.meta.effects).toEqual([]);
    const search = await call(site, asUser(site.people.agent), 'POST', '/rest/api/3/search/jql', { jql: 'project = JIT', fields: ['summary'], maxResults: 100 });
    const issues = z.object({ issues: z.array(z.object({ key: z.string(), fields: z.object({ summary: z.string() }) })) }).parse(search.body).issues;
    const tasks = issues.filter((issue) => issue.fields.summary === `Review break-glass access ${key}`).map((issue) => issue.key);
    expect(tasks).toEqual([stored.meta.reviewTask]);
    const task = await call(site, asUser(site.people.agent), 'GET', `/rest/api/3/issue/${tasks[0] ?? ''}?fields=issuelinks`);
    const links = z.object({ fields: z.object({ issuelinks: z.array(z.object({ outwardIssue: z.object({ key: z.string() }).optional() })) }) }).parse(task.body).fields.issuelinks;
    expect(links.map((link) => link.outwardIssue?.key)).toEqual([key]);
    expect(alerts.filter((alert) => alert.ticket === key)).toHaveLength(1);
    const ticket = await readTicket(site, key);
    expect(ticket.status).toBe('Access granted');
    expect(ticket.property).toEqual(expect.objectContaining({ state: 'active' }));
  });
});

// The trigger that takes in a break-glass request claims the grant, its job and its review task, then is cut
// off at its time limit while Jira makes the task, before it sends the grant job. Jira keeps refusing the
// task for a while: the sweep sends the lost job again rather than wait for it, and emergency access goes
// ahead; the task follows once Jira takes it, made once.
describe('a break-glass trigger cut off at its time limit while creating the review task', () => {
  let app: AppUnderTest;
  let receiver: Server;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const port = await freePort();
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((done) => receiver.listen(port, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${port}`;
    // 40 ms per limit second: the trigger's 25 s limit is 1 s.
    app = await installApp({ alertWebhookUrl: `${hook}/alerts`, extraEgress: [hook], msPerLimitSecond: 40 });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
    await new Promise((done) => receiver.close(done));
  });

  const state = (key: string) => z.object({ record: z.object({ state: z.string() }), meta: z.object({ effects: z.array(z.unknown()), reviewTask: z.string().optional() }) }).parse(app.site.runtime.inspect.kvs().entities.grant?.[key]);

  it('sends the lost grant job again while the task is still owed, and makes the task once Jira takes it', async () => {
    const { site } = app;
    const createsTask = (method: string, path: string) => method === 'POST' && path === '/rest/api/3/issue';
    site.failOnce(createsTask, 'hang');
    const key = await raise(site, app.ids, site.people.requester2, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT30M', justification: 'checkout down', breakGlass: true });
    expect(site.runtime.inspect.invocations().some((record) => record.kind === 'trigger' && record.outcome !== 'ok')).toBe(true);
    expect(state(key).record.state).toBe('requested');

    // Jira refuses the task at the sweep's first try too; the job is not held back by it.
    site.failOnce(createsTask);
    age(app, key);
    expect((await site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
    await settle(site);
    expect(state(key).record.state).toBe('active');
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('active');

    for (let round = 0; round < 2; round += 1) {
      age(app, key);
      expect((await site.runtime.runScheduledTrigger('expiry-sweep')).ok).toBe(true);
      await settle(site);
    }
    const stored = state(key);
    expect(stored.meta.effects).toEqual([]);
    const search = await call(site, asUser(site.people.agent), 'POST', '/rest/api/3/search/jql', { jql: 'project = JIT', fields: ['summary'], maxResults: 100 });
    const issues = z.object({ issues: z.array(z.object({ key: z.string(), fields: z.object({ summary: z.string() }) })) }).parse(search.body).issues;
    expect(issues.filter((issue) => issue.fields.summary === `Review break-glass access ${key}`).map((issue) => issue.key)).toEqual([stored.meta.reviewTask]);
    expect(await readTicket(site, key)).toMatchObject({ status: 'Access granted', property: { state: 'active' } });
  });
});
