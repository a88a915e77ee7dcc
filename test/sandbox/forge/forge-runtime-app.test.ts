import { type Server, createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@forge/manifest';
import { z } from 'zod';
import {
  DEFAULT_APP_ACCOUNT_ID,
  type ForgeRuntime,
  ForgeInvocationError,
  createForgeRuntime,
  timeLimitSeconds,
} from '../../../src/sandbox/forge';
import { slowHandlers } from '../forge-test-app/src';
import { createFakeProduct } from './fake-product';

const appRoot = join(__dirname, '../forge-test-app');
const manifestPath = join(appRoot, 'manifest.yml');
const START = new Date('2026-01-05T09:00:00.000Z');
/** The test app's manifest scopes, which every product call carries for the product to check. */
const SCOPES = ['read:jira-work', 'read:jira-user', 'storage:app'];

function start(options: { extraBackendEgress?: string[] } = {}) {
  const fake = createFakeProduct();
  const runtime = createForgeRuntime({
    manifestPath,
    appSourceRoot: join(appRoot, 'src'),
    product: fake.product,
    clock: { mode: 'manual', start: START },
    ...options,
  });
  return { fake, runtime };
}

const kinds = (runtime: ForgeRuntime) => runtime.inspect.invocations().map((r) => `${r.kind}:${r.moduleKey}:${r.outcome}`);

describe('Forge runtime emulator running the test app with the real @forge packages', () => {
  let fake: ReturnType<typeof createFakeProduct>;
  let runtime: ForgeRuntime;
  beforeEach(() => ({ fake, runtime } = start()));
  afterEach(() => runtime.stop());

  it('has a manifest the platform validator accepts', async () => {
    const result = await validate(false, manifestPath);
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('calls a resolver like the bridge does and sends asUser() requests as the calling user', async () => {
    const result = await runtime.invokeResolver({
      moduleKey: 'panel',
      functionKey: 'whoami',
      accountId: 'user-1',
      extension: { issue: { key: 'JIT-1', id: '10001' }, project: { id: '10000', key: 'JIT' } },
    });
    expect(result).toEqual({
      contextAccountId: 'user-1',
      extension: { type: 'jira:issuePanel', issue: { key: 'JIT-1', id: '10001' }, project: { id: '10000', key: 'JIT' } },
      me: { accountId: 'user-1' },
    });
    expect(fake.requests).toEqual([{ method: 'GET', path: '/rest/api/3/myself', identity: { kind: 'user', accountId: 'user-1', scopes: SCOPES } }]);
    expect(kinds(runtime)).toEqual(['resolver:panel:ok']);
    expect(runtime.inspect.invocations()[0]).toMatchObject({ functionKey: 'resolver', detail: 'whoami', principalAccountId: 'user-1' });
  });

  it('keeps each concurrent invocation on its own identity', async () => {
    const users = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e'];
    const results = await Promise.all(
      users.map((accountId) => runtime.invokeResolver({ moduleKey: 'panel', functionKey: 'whoami', accountId })),
    );
    expect(results.map((r) => z.object({ me: z.object({ accountId: z.string() }) }).parse(r).me.accountId)).toEqual(users);
    expect(fake.requests.map((r) => r.identity).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      users.map((accountId) => ({ kind: 'user', accountId, scopes: SCOPES })),
    );
  });

  it('sends plain requestJira() unauthenticated and fills __forge_runtime__ for getAppContext()', async () => {
    await expect(runtime.invokeResolver({ moduleKey: 'panel', functionKey: 'anonymous', accountId: 'u' })).resolves.toEqual({ status: 200 });
    expect(fake.requests[0]?.identity).toEqual({ kind: 'anonymous' });
    const context = await runtime.invokeResolver({ moduleKey: 'panel', functionKey: 'appContext', accountId: 'u' });
    expect(context).toEqual({
      appAri: 'ari:cloud:ecosystem::app/11111111-2222-4333-8444-555555555555',
      moduleKey: 'panel',
      remainingMs: expect.any(Number),
      backendEgress: ['https://connector.example.com'],
    });
    const { remainingMs } = z.object({ remainingMs: z.number() }).parse(context);
    expect(remainingMs).toBeGreaterThan(20_000);
    expect(remainingMs).toBeLessThanOrEqual(25_000);
  });

  it('rejects a failing resolver with FUNCTION_ERR and an unknown module with MODULE_NOT_FOUND', async () => {
    const failing = runtime.invokeResolver({ moduleKey: 'panel', functionKey: 'no-such-resolver', accountId: 'u' });
    await expect(failing).rejects.toBeInstanceOf(ForgeInvocationError);
    await expect(failing).rejects.toMatchObject({ code: 'FUNCTION_ERR' });
    expect(runtime.inspect.invocations()[0]?.error).toEqual({ name: 'Error', message: "Resolver has no definition for 'no-such-resolver'." });
    await expect(runtime.invokeResolver({ moduleKey: 'nope', functionKey: 'whoami', accountId: 'u' })).rejects.toMatchObject({
      code: 'MODULE_NOT_FOUND',
    });
  });

  it('delivers product events to triggers, then the delayed queue event, retried once via InvocationError', async () => {
    fake.emit({ eventType: 'avi:jira:updated:issue', issue: { key: 'JIT-7' }, atlassianId: 'user-9' });
    await runtime.settle();
    expect(fake.requests).toEqual([{ method: 'GET', path: '/rest/api/3/issue/JIT-7', identity: { kind: 'app', scopes: SCOPES } }]);
    expect(runtime.inspect.kvs().keys).toEqual({ 'seen:JIT-7': { status: 'Approved' } });
    const [queued] = runtime.inspect.queue();
    expect(queued).toMatchObject({
      state: 'pending',
      deliverAt: '2026-01-05T09:01:00.000Z',
      event: { queueName: 'grant-work', body: { issueKey: 'JIT-7', endsAt: 1000 }, delayInSeconds: 60 },
    });

    await runtime.clock.advance(59_999);
    expect(kinds(runtime)).toEqual(['trigger:issue-updated:ok']);
    await runtime.clock.advance(1);
    expect(kinds(runtime)).toEqual(['trigger:issue-updated:ok', 'consumer:grant-consumer:ok']);
    expect(runtime.inspect.queue()).toEqual([
      expect.objectContaining({
        deliverAt: '2026-01-05T09:01:30.000Z',
        event: expect.objectContaining({
          retryContext: { retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: { firstAttempt: true } },
        }),
      }),
    ]);

    await runtime.clock.advance(30_000);
    expect(kinds(runtime)).toEqual(['trigger:issue-updated:ok', 'consumer:grant-consumer:ok', 'consumer:grant-consumer:ok']);
    expect(runtime.inspect.queue()).toEqual([]);
    const storage = runtime.inspect.kvs();
    expect(storage.keys['consumed:JIT-7']).toEqual({ retryCount: 1, retryData: { firstAttempt: true } });
    expect(storage.entities).toEqual({ grant: { 'grant-JIT-7': { status: 'active', endsAt: 1000, issueKey: 'JIT-7' } } });
    expect(JSON.stringify(storage)).not.toContain('pw-JIT-7');
    expect(runtime.inspect.secretsForTests()).toEqual({ 'credential:JIT-7': { password: 'pw-JIT-7' } });
    await expect(runtime.invokeResolver({ moduleKey: 'panel', functionKey: 'seen', payload: { issueKey: 'JIT-7' }, accountId: 'u' })).resolves.toEqual({
      seen: { status: 'Approved' },
      secret: { password: 'pw-JIT-7' },
    });
  });

  it('honours ignoreSelf and the trigger event list', async () => {
    const self = await runtime.deliverProductEvent({ eventType: 'avi:jira:updated:issue', issue: { key: 'JIT-1' }, atlassianId: DEFAULT_APP_ACCOUNT_ID });
    const marked = await runtime.deliverProductEvent({ eventType: 'avi:jira:updated:issue', issue: { key: 'JIT-1' }, selfGenerated: true });
    const other = await runtime.deliverProductEvent({ eventType: 'avi:jira:created:issue', issue: { key: 'JIT-1' } });
    expect([self, marked, other]).toEqual([[], [], []]);
    expect(runtime.inspect.invocations()).toEqual([]);
  });

  it('runs the scheduled trigger every five minutes of the controllable clock, paging an index range query', async () => {
    const store = runtime.kvsStoreForTests;
    const grant = (endsAt: number, status = 'active') => ({ status, endsAt, issueKey: `JIT-${endsAt}` });
    for (const endsAt of [100, 500, 900, 2000]) store.set({ kind: 'entity', entityName: 'grant' }, `g${endsAt}`, grant(endsAt));
    store.set({ kind: 'entity', entityName: 'grant' }, 'g50', grant(50, 'expired'));
    store.set({ kind: 'plain' }, 'config:sweep-before', 1000);

    await runtime.clock.advance(5 * 60_000 - 1);
    expect(runtime.inspect.invocations()).toEqual([]);
    await runtime.clock.advance(1);
    expect(kinds(runtime)).toEqual(['scheduledTrigger:sweep:ok']);
    const { keys, entities } = runtime.inspect.kvs();
    expect(keys).toMatchObject({ 'sweep:runs': 1, 'sweep:expired': 3 });
    const statuses = z.record(z.string(), z.object({ status: z.string() })).parse(entities.grant);
    expect(Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, v.status]))).toEqual({
      g50: 'expired',
      g100: 'expired',
      g500: 'expired',
      g900: 'expired',
      g2000: 'active',
    });

    await runtime.clock.advance(10 * 60_000);
    expect(kinds(runtime)).toEqual(['scheduledTrigger:sweep:ok', 'scheduledTrigger:sweep:ok', 'scheduledTrigger:sweep:ok']);
    expect(runtime.inspect.kvs().keys).toMatchObject({ 'sweep:runs': 3, 'sweep:expired': 0 });
    expect(runtime.clock.now().toISOString()).toBe('2026-01-05T09:15:00.000Z');
  });

  it('calls a web trigger in process with Forge request and response shapes', async () => {
    const response = await runtime.callWebTrigger('hook', { method: 'GET', queryParameters: { a: ['1', '2'] } });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': ['application/json'] });
    expect(JSON.parse(response.body ?? '')).toEqual({ url: runtime.webTriggerUrl('hook'), queryParameters: { a: ['1', '2'] } });
    expect(runtime.webTriggerUrl('hook')).toMatch(/^https:\/\/webtrigger\.forge-emulator\.invalid\/x1\/[0-9a-f-]{36}$/);
  });

  it('serves web triggers over HTTP at the URL webTrigger.getUrl() returns', async () => {
    const listener = await runtime.listen();
    const url = runtime.webTriggerUrl('hook');
    expect(url.startsWith(`${listener.url}/x1/`)).toBe(true);
    const response = await fetch(`${url}?x=1&x=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ url, queryParameters: { x: ['1', '2'] } });
    expect((await fetch(`${listener.url}/x1/unknown`)).status).toBe(404);
    await listener.close();
  });
});

describe('function time limits', () => {
  it('cuts a function off at its limit: the caller gets the timeout, the result and any later call are dropped', async () => {
    const fake = createFakeProduct();
    // One millisecond per second of Forge's limits: 55 ms for the web trigger, 25 ms for the resolver.
    const runtime = createForgeRuntime({ manifestPath, appSourceRoot: join(appRoot, 'src'), product: fake.product, msPerLimitSecond: 1 });
    try {
      expect(await runtime.callWebTrigger('slow-hook')).toEqual({ statusCode: 500 });
      const resolverCall = runtime.invokeResolver({ moduleKey: 'panel', functionKey: 'slow', accountId: 'u' });
      await expect(resolverCall).rejects.toMatchObject({ code: 'FUNCTION_TIME_OUT', message: 'resolver ran longer than its 25 s limit' });
      expect(runtime.inspect.invocations().map((record) => [record.kind, record.outcome, record.error?.message])).toEqual([
        ['webtrigger', 'timeout', 'slow-hook-fn ran longer than its 55 s limit'],
        ['resolver', 'timeout', 'resolver ran longer than its 25 s limit'],
      ]);
      slowHandlers.release();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(slowHandlers.lateWrites.sort()).toEqual(['late-hook: INVOCATION_CUT_OFF', 'late-resolver: INVOCATION_CUT_OFF']);
      expect(runtime.inspect.kvs().keys).toEqual({});
    } finally {
      await runtime.stop();
    }
  });

  it('gives each kind of module its platform limit, raisable only for consumers and scheduled triggers', () => {
    expect(timeLimitSeconds('trigger', undefined)).toBe(25);
    expect(timeLimitSeconds('resolver', undefined)).toBe(25);
    expect(timeLimitSeconds('webtrigger', undefined)).toBe(55);
    expect(timeLimitSeconds('consumer', undefined)).toBe(25);
    expect(timeLimitSeconds('consumer', 900)).toBe(900);
    expect(timeLimitSeconds('scheduledTrigger', 300)).toBe(300);
  });

  // The manifest schema takes timeoutSeconds 1-900 on any function; it is the CLI's linter that refuses these.
  it('refuses at load a timeoutSeconds forge deploy refuses, in the words of Atlassian\'s linter', () => {
    const raw = readFileSync(manifestPath, 'utf8')
      .replace('handler: index.hook\n', 'handler: index.hook\n      timeoutSeconds: 55\n')
      .replace('handler: index.resolver\n', 'handler: index.resolver\n      timeoutSeconds: 25\n')
      .replace('handler: index.consume\n', 'handler: index.consume\n      timeoutSeconds: 900\n');
    const dir = mkdtempSync(join(tmpdir(), 'forge-timeouts-'));
    const path = join(dir, 'manifest.yml');
    writeFileSync(path, raw);
    const refused = (() => {
      try {
        createForgeRuntime({ manifestPath: path, appSourceRoot: join(appRoot, 'src'), product: createFakeProduct().product });
        return undefined;
      } catch (error) {
        return error;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    expect(refused).toMatchObject({ code: 'MANIFEST_INVALID' });
    // The consumer's 900 s is allowed; the web trigger's and the resolver's timeouts are not, at any value.
    expect(z.object({ message: z.string() }).parse(refused).message.split('\n').slice(1)).toEqual([
      '  Function "hook-fn" defines timeoutSeconds (55s) but is used by webtrigger "hook". Only consumer and scheduledTrigger functions support custom timeouts.',
      '  Function "resolver" defines timeoutSeconds (25s) but is used by jira:issuePanel "panel". Only consumer and scheduledTrigger functions support custom timeouts.',
    ]);
  });
});

describe('backend egress', () => {
  let server: Server;
  let allowed: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    allowed = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}` : '';
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (runtime: ForgeRuntime, target: string) => runtime.callWebTrigger('hook', { method: 'POST', body: JSON.stringify({ target }) });

  it('lets @forge/api fetch reach listed addresses over real HTTP and refuses others like Forge', async () => {
    const { runtime } = start({ extraBackendEgress: [allowed] });
    try {
      expect(await post(runtime, `${allowed}/ping`)).toEqual({ statusCode: 200, body: JSON.stringify({ status: 200, text: 'pong' }) });
      const refused = await post(runtime, 'https://elsewhere.example.com/x');
      expect(refused.statusCode).toBe(502);
      expect(JSON.parse(refused.body ?? '')).toEqual({
        name: 'REQUEST_EGRESS_ALLOWLIST_ERR',
        message:
          'URL not included in the external fetch backend permissions: https://elsewhere.example.com/x. Visit go.atlassian.com/forge-egress for more information.',
      });
    } finally {
      await runtime.stop();
    }
  });

  it('refuses an address the manifest does not list even when it is reachable', async () => {
    const { runtime } = start();
    try {
      const refused = await post(runtime, `${allowed}/ping`);
      expect(JSON.parse(refused.body ?? '')).toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR' });
      // Outside an invocation the process's own fetch is not restricted.
      expect(await (await fetch(`${allowed}/ping`)).text()).toBe('pong');
    } finally {
      await runtime.stop();
    }
  });
});

describe('manifest wiring', () => {
  it('refuses a manifest whose modules name missing functions or handler files, listing every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-manifest-'));
    const path = join(dir, 'manifest.yml');
    writeFileSync(
      path,
      [
        'modules:',
        '  trigger:',
        '    - key: t',
        '      function: missing-fn',
        '      events: [avi:jira:created:issue]',
        '  function:',
        '    - key: present',
        '      handler: nowhere.handler',
        'app:',
        '  id: ari:cloud:ecosystem::app/11111111-2222-4333-8444-555555555555',
      ].join('\n'),
    );
    const create = () => createForgeRuntime({ manifestPath: path, appSourceRoot: join(dir, 'src'), product: createFakeProduct().product });
    expect(create).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
    expect(create).toThrow(/function present: no file nowhere\.\{tsx,jsx,ts,js,cjs\}/);
    expect(create).toThrow(/module t names function missing-fn, which modules.function does not declare/);
  });
});
