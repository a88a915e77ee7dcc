import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import { describeWith } from '../../support/servers';
import { discoverForm, restClient } from './rest-client';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

jest.setTimeout(240_000);

const jitAccess = z.looseObject({
  state: z.string(),
  username: z.string().optional(),
  history: z.array(z.looseObject({ to: z.string(), event: z.string() })),
});
const issueWithProperty = z.looseObject({
  fields: z.looseObject({ status: z.looseObject({ name: z.string() }) }),
  properties: z.looseObject({ 'jit-access': jitAccess.optional() }),
});
const comments = z.looseObject({ comments: z.array(z.looseObject({ body: z.unknown(), jsdPublic: z.boolean() })) });
const approvals = z.looseObject({ values: z.array(z.looseObject({ id: z.string(), finalDecision: z.string() })) });
const transitions = z.looseObject({ transitions: z.array(z.looseObject({ id: z.string(), name: z.string() })) });
const created = z.looseObject({ issueKey: z.string() });
const resolverAnswer = z.looseObject({ result: z.looseObject({ ok: z.boolean(), data: z.unknown().optional(), error: z.looseObject({ code: z.string() }).optional() }) });
const revealed = z.looseObject({ result: z.looseObject({ ok: z.literal(true), data: z.looseObject({ username: z.string(), password: z.string() }) }) });

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describeWith('postgres', 'npm start against real PostgreSQL, driven through the REST API', (pgUrl) => {
  let sandbox: SandboxProcess;
  let pg: Client;
  let rest: ReturnType<typeof restClient>;
  let form: Awaited<ReturnType<typeof discoverForm>>;

  beforeAll(async () => {
    sandbox = await startSandboxProcess(['--target-url', pgUrl, '--sweep-seconds', '2']);
    rest = restClient(sandbox.url);
    form = await discoverForm(rest.as('ana@example.com'));
    pg = new Client({ connectionString: pgUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await sandbox?.stop();
  });

  const ana = () => rest.as('ana@example.com');
  const lead = () => rest.as('lead@example.com');
  const raise = (target: string, duration: string) =>
    ana().post('/rest/servicedeskapi/request', {
      serviceDeskId: form.serviceDeskId,
      requestTypeId: form.requestTypeId,
      requestFieldValues: {
        summary: `Read ${target}`,
        [form.fields.target.fieldId]: { value: target },
        [form.fields.accessLevel.fieldId]: { value: 'read-only' },
        [form.fields.duration.fieldId]: duration,
        [form.fields.justification.fieldId]: 'INC-88 slow checkout',
      },
    });
  const ticket = async (key: string) => issueWithProperty.parse((await lead().get(`/rest/api/3/issue/${key}?properties=jit-access`)).body);
  const roleExists = async (name: string) => (await pg.query('SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = $1', [name])).rows.length === 1;
  const requestCount = async () => z.looseObject({ size: z.number() }).parse((await rest.as('admin@example.com').get('/rest/servicedeskapi/request')).body).size;

  it('lists the fields with fixed values in validValues', () => {
    expect(form.fields.target.validValues.map((option) => option.label)).toEqual(['shop-dev', 'shop-prod']);
    expect(form.fields.accessLevel.validValues.map((option) => option.label)).toEqual(['read-only', 'emergency-fix', 'maintenance', 'schema-change']);
  });

  it('refuses bad input the way JSM does and creates nothing', async () => {
    const before = await requestCount();
    const base = { serviceDeskId: form.serviceDeskId, requestTypeId: form.requestTypeId };
    const unknownField = await ana().post('/rest/servicedeskapi/request', { ...base, requestFieldValues: { summary: 'x', customfield_99999: 'y' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({ errorMessage: "The field 'customfield_99999' is not valid for this request type." });
    const badDuration = await ana().post('/rest/servicedeskapi/request', {
      ...base,
      requestFieldValues: { summary: 'x', [form.fields.target.fieldId]: { value: 'shop-dev' }, [form.fields.accessLevel.fieldId]: { value: 'read-only' }, [form.fields.duration.fieldId]: '1 hour', [form.fields.justification.fieldId]: 'why' },
    });
    expect(badDuration.status).toBe(400);
    expect(badDuration.body).toMatchObject({ errorMessage: expect.stringContaining('is not an ISO-8601 duration') });
    const badOption = await ana().post('/rest/servicedeskapi/request', { ...base, requestFieldValues: { summary: 'x', [form.fields.target.fieldId]: { value: 'nope' } } });
    expect(badOption.status).toBe(400);
    const malformed = await ana().postRaw('/rest/servicedeskapi/request', '{"serviceDeskId": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ errorMessage: expect.stringContaining('JSON') });
    const unknownUser = await rest.as('mallory@example.com').get('/rest/servicedeskapi/servicedesk');
    expect(unknownUser).toEqual({ status: 401, body: { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} } });
    expect(await requestCount()).toBe(before);
  });

  it('grants read-only on dev at once, then expires it: login gone, ticket expired, audit in comments, no secret anywhere', async () => {
    const raised = await raise('shop-dev', 'PT1M');
    expect(raised.status).toBe(201);
    const key = created.parse(raised.body).issueKey;
    const active = await eventually(() => ticket(key), (issue) => issue.properties['jit-access']?.state === 'active', 20_000);
    expect(active.fields.status.name).toBe('Access granted');
    const username = active.properties['jit-access']?.username ?? '';
    expect(username).toMatch(/^jit_/);
    expect(await roleExists(username)).toBe(true);

    const reveal = await fetch(`${sandbox.url}/sandbox/api/resolver`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ana@example.com:t').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey: 'revealCredential', issueKey: key, payload: {} }),
    });
    const { password } = revealed.parse(await reveal.json()).result.data;
    const server = new URL(pgUrl);
    const login = new Client({ host: server.hostname, port: Number(server.port || 5432), database: server.pathname.slice(1), user: username, password });
    await login.connect();
    expect((await login.query('SELECT current_user AS who')).rows).toEqual([{ who: username }]);
    await login.end();

    const expired = await eventually(() => ticket(key), (issue) => issue.properties['jit-access']?.state === 'expired', 120_000);
    expect(expired.properties['jit-access']?.state).toBe('expired');
    expect(expired.fields.status.name).toBe('Access expired');
    expect(await roleExists(username)).toBe(false);
    expect(expired.properties['jit-access']?.history.map((entry) => entry.to)).toEqual(['approved', 'granting', 'active', 'expired']);

    const thread = comments.parse((await lead().get(`/rest/api/3/issue/${key}/comment`)).body).comments;
    const text = JSON.stringify(thread);
    expect(text).toContain('read-only');
    expect(text).toContain('Read-only on dev is automatic');
    expect(thread.some((comment) => !comment.jsdPublic)).toBe(true);
    expect(thread.some((comment) => comment.jsdPublic)).toBe(true);
    expect(text).toMatch(/expired/i);
    const everything = [text, JSON.stringify(expired), sandbox.output(), readFileSync(join(sandbox.dataDir, 'connector.log'), 'utf8')].join('\n');
    expect(everything.includes(password)).toBe(false);
  });

  it('waits on prod until the lead approves, and refuses ana approving her own request', async () => {
    const raised = await raise('shop-prod', 'PT5M');
    expect(raised.status).toBe(201);
    const key = created.parse(raised.body).issueKey;
    const waiting = await eventually(() => ticket(key), (issue) => issue.properties['jit-access']?.state === 'awaiting-approval', 20_000);
    expect(waiting.fields.status.name).toBe('Waiting for approval');
    const approval = approvals.parse((await lead().get(`/rest/servicedeskapi/request/${key}/approval`)).body).values[0];
    expect(approval?.finalDecision).toBe('pending');

    const own = await ana().post(`/rest/servicedeskapi/request/${key}/approval/${approval?.id}`, { decision: 'approve' });
    expect(own.status).toBe(403);
    expect((await ticket(key)).properties['jit-access']?.state).toBe('awaiting-approval');

    const approved = await lead().post(`/rest/servicedeskapi/request/${key}/approval/${approval?.id}`, { decision: 'approve' });
    expect(approved.status).toBe(200);
    const active = await eventually(() => ticket(key), (issue) => issue.properties['jit-access']?.state === 'active', 20_000);
    const username = active.properties['jit-access']?.username ?? '';
    expect(await roleExists(username)).toBe(true);

    const resolve = transitions.parse((await ana().get(`/rest/api/3/issue/${key}/transitions`)).body).transitions.find((t) => t.name === 'Resolve');
    expect((await ana().post(`/rest/api/3/issue/${key}/transitions`, { transition: { id: resolve?.id } })).status).toBe(204);
    const revoked = await eventually(() => ticket(key), (issue) => issue.properties['jit-access']?.state === 'revoked', 20_000);
    expect(revoked.properties['jit-access']?.state).toBe('revoked');
    expect(await roleExists(username)).toBe(false);
  });

  it('cancels a request still waiting for approval (revoking it is refused): the ticket moves to Canceled and nothing is granted', async () => {
    const raised = await raise('shop-prod', 'PT5M');
    const key = created.parse(raised.body).issueKey;
    await eventually(() => ticket(key), (issue) => issue.properties['jit-access']?.state === 'awaiting-approval', 20_000);
    const offered = transitions.parse((await lead().get(`/rest/api/3/issue/${key}/transitions`)).body).transitions.map((t) => t.name);
    expect(offered).toContain('Cancel request');

    const call = (functionKey: string, payload: Record<string, unknown>) =>
      fetch(`${sandbox.url}/sandbox/api/resolver`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('lead@example.com:t').toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ functionKey, issueKey: key, moduleKey: 'jit-ticket-panel', payload }),
      });
    const refused = await call('revokeNow', { reason: 'no longer needed' });
    expect(resolverAnswer.parse(await refused.json()).result).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    const answer = await call('cancelRequest', {});
    expect(answer.status).toBe(200);
    expect(resolverAnswer.parse(await answer.json()).result).toMatchObject({ ok: true, data: { state: 'revoked' } });
    const revoked = await eventually(() => ticket(key), (issue) => issue.fields.status.name === 'Canceled', 20_000);
    expect(revoked.fields.status.name).toBe('Canceled');
    expect(revoked.properties['jit-access']?.state).toBe('revoked');
    expect(revoked.properties['jit-access']?.username).toBeUndefined();
    expect(revoked.properties['jit-access']?.history.map((entry) => entry.to)).toEqual(['awaiting-approval', 'revoked']);
  });
});
