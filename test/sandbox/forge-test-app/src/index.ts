// Handlers named in this folder's manifest.yml. Each uses the real @forge packages the way the product app will.
import { asApp, asUser, fetch, getAppContext, requestJira, route, webTrigger } from '@forge/api';
import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { Filter, FilterConditions, Sort, WhereConditions, kvs } from '@forge/kvs';
import Resolver from '@forge/resolver';
import { z } from 'zod';

type Grant = { status: string; endsAt: number; issueKey: string };

const grantWork = new Queue({ key: 'grant-work' });
const issueEvent = z.object({ issue: z.object({ key: z.string() }), eventType: z.string() });
const workBody = z.object({ issueKey: z.string(), endsAt: z.number() });
const asyncEvent = z.object({
  body: workBody,
  retryContext: z.object({ retryCount: z.number(), retryReason: z.string(), retryData: z.unknown() }).optional(),
});
const issueResponse = z.object({ key: z.string(), fields: z.object({ status: z.object({ name: z.string() }) }) });

/** Re-reads the issue as the app, remembers its status, and queues the grant one minute later. */
export async function onIssueUpdated(event: unknown): Promise<void> {
  const { issue } = issueEvent.parse(event);
  const response = await asApp().requestJira(route`/rest/api/3/issue/${issue.key}`);
  const current = issueResponse.parse(await response.json());
  await kvs.set(`seen:${issue.key}`, { status: current.fields.status.name });
  await grantWork.push({ body: { issueKey: issue.key, endsAt: 1_000 }, delayInSeconds: 60 });
}

/** Asks for one retry, then records the grant in a conditional transaction and keeps a secret apart. */
export async function consume(event: unknown): Promise<unknown> {
  const { body, retryContext } = asyncEvent.parse(event);
  if (retryContext === undefined) {
    return new InvocationError({
      retryAfter: 30,
      retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      retryData: { firstAttempt: true },
    });
  }
  const grant: Grant = { status: 'active', endsAt: body.endsAt, issueKey: body.issueKey };
  await kvs
    .transact()
    .set(`grant-${body.issueKey}`, grant, {
      entityName: 'grant',
      conditions: new Filter<Grant>().and('status', FilterConditions.notExists()),
    })
    .execute();
  await kvs.setSecret(`credential:${body.issueKey}`, { password: `pw-${body.issueKey}` });
  await kvs.set(`consumed:${body.issueKey}`, { retryCount: retryContext.retryCount, retryData: retryContext.retryData });
  return undefined;
}

/** Expires active grants ending at or before `config:sweep-before`, oldest first, a page at a time. */
export async function sweep(): Promise<void> {
  const before = z.number().parse((await kvs.get('config:sweep-before')) ?? 0);
  let expired = 0;
  let cursor: string | undefined;
  do {
    let query = kvs
      .entity<Grant>('grant')
      .query()
      .index('by-status-end', { partition: ['active'] })
      .where(WhereConditions.lessThanEqualTo(before))
      .sort(Sort.ASC)
      .limit(2);
    if (cursor !== undefined) query = query.cursor(cursor);
    const page = await query.getMany();
    for (const { key, value } of page.results) {
      await kvs.entity<Grant>('grant').set(key, { ...value, status: 'expired' });
      expired += 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const runs = z.number().parse((await kvs.get('sweep:runs')) ?? 0);
  await kvs.set('sweep:runs', runs + 1);
  await kvs.set('sweep:expired', expired);
}

const hookRequest = z.object({
  method: z.string(),
  body: z.string(),
  queryParameters: z.record(z.string(), z.array(z.string())),
});

/** GET: tells its own URL; POST `{target}`: fetches the target (egress) and reports the outcome. */
export async function hook(request: unknown): Promise<unknown> {
  const { method, body, queryParameters } = hookRequest.parse(request);
  if (method === 'GET') {
    const url = await webTrigger.getUrl('hook');
    return { statusCode: 200, headers: { 'content-type': ['application/json'] }, body: JSON.stringify({ url, queryParameters }) };
  }
  const { target } = z.object({ target: z.string() }).parse(JSON.parse(body));
  try {
    const response = await fetch(target);
    return { statusCode: 200, body: JSON.stringify({ status: response.status, text: await response.text() }) };
  } catch (error) {
    const failure = z.object({ name: z.string(), message: z.string() }).parse(error);
    return { statusCode: 502, body: JSON.stringify(failure) };
  }
}

let releaseSlow: () => void = () => undefined;
const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));

/** Slow handlers wait until a test releases them (after their time limit), then try to write: what happened. */
export const slowHandlers = { release: () => releaseSlow(), lateWrites: [] as string[] };

async function waitThenWrite(key: string): Promise<void> {
  await slowGate;
  try {
    await kvs.set(key, 'late');
    slowHandlers.lateWrites.push(`${key}: written`);
  } catch (error) {
    slowHandlers.lateWrites.push(`${key}: ${z.object({ code: z.string() }).parse(error).code}`);
  }
}

export async function slowHook(): Promise<unknown> {
  await waitThenWrite('late-hook');
  return { statusCode: 200 };
}

const seamCall = z.object({
  descriptor: z.unknown(),
  path: z.string(),
  body: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const resolver = new Resolver()
  .define('whoami', async ({ context }) => {
    const response = await asUser().requestJira(route`/rest/api/3/myself`);
    return { contextAccountId: context.accountId, extension: context.extension, me: await response.json() };
  })
  .define('anonymous', async () => {
    const response = await requestJira(route`/rest/api/3/serverInfo`);
    return { status: response.status };
  })
  .define('appContext', async () => {
    const context = getAppContext();
    return {
      appAri: context.appAri.toString(),
      moduleKey: context.moduleKey,
      remainingMs: context.invocationRemainingTimeInMillis(),
      backendEgress: context.permissions?.external?.fetch?.backend ?? [],
    };
  })
  .define('seen', async ({ payload }) => {
    const { issueKey } = z.object({ issueKey: z.string() }).parse(payload);
    return { seen: (await kvs.get(`seen:${issueKey}`)) ?? null, secret: (await kvs.getSecret(`credential:${issueKey}`)) ?? null };
  })
  .define('slow', async () => {
    await waitThenWrite('late-resolver');
    return { done: true };
  })
  .define('seam', async ({ payload }) => {
    // Calls the platform seam directly, as an upgraded @forge package might: the emulator must refuse loudly.
    const { descriptor, path, body, headers } = seamCall.parse(payload);
    const forgeFetch: unknown = Reflect.get(globalThis, '__forge_fetch__');
    if (typeof forgeFetch !== 'function') throw new Error('__forge_fetch__ is not installed');
    const response: unknown = await Reflect.apply(forgeFetch, undefined, [descriptor, path, { method: 'POST', body, headers }]);
    return { status: z.instanceof(Response).parse(response).status };
  })
  .getDefinitions();
