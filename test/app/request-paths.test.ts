import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import { runAs } from '../../src/connector/drivers/pglite';
import { findOperation, scopeSetsOf, validateRequestBody, validateResponseBody } from '../sandbox/jsm/openapi-contract';
import { waitFor } from '../connector/support/harness';
import { freePort, settle } from './support/app-site';
import { installApp, type AppUnderTest } from './support/install-app';
import { answerApproval, asUser, call, raise, readTicket, resolve, resolveOk, transitionAs } from './support/ticket';

jest.setTimeout(90_000);

const CONTACT = 'the DBA team (#dba-help)';
/** What no requester-facing comment may hold: rule ids, condition traces, event codes, raw ISO times and durations. */
const TRACE = [/\bdefault-deny\b|\binvalid-request\b|\bfix-needs-lead\b|\bread-only-dev\b|\bmaintenance-in-change\b|\bbreak-glass-emergency\b/, /did not match|No rule matched|•/,
  /\b(policy|approval|grant|window)-[a-z-]+\b/, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, /\bP(\d+[WD])*T\d+[HMS]\b/];

describe('request paths through the emulators with the project connector', () => {
  let app: AppUnderTest;
  let receiver: Server;
  const alerts: unknown[] = [];

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        alerts.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(port, '127.0.0.1', done));
    const hook = `http://127.0.0.1:${port}`;
    app = await installApp({ alertWebhookUrl: `${hook}/alerts`, extraEgress: [hook] });
    await setContact(CONTACT);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
    await new Promise((done) => receiver.close(done));
  });

  /** A change request with a planned window, moved to an approved status unless `approve` is false. */
  const change = async (start: number, end: number, approve = true) => {
    const { site } = app;
    const agent = asUser(site.people.agent);
    const fields = z.array(z.object({ id: z.string(), name: z.string() })).parse((await call(site, agent, 'GET', '/rest/api/3/field')).body);
    const fieldId = (name: string) => fields.find((field) => field.name === name)?.id ?? '';
    const created = await call(site, agent, 'POST', '/rest/api/3/issue', {
      fields: { project: { key: 'CHG' }, issuetype: { name: 'Change' }, summary: 'Reindex orders', [fieldId('Planned start')]: new Date(start).toISOString(), [fieldId('Planned end')]: new Date(end).toISOString() },
    });
    const changeKey = z.object({ key: z.string() }).parse(created.body).key;
    if (approve) await transitionAs(site, changeKey, site.people.agent, 'Ready for implementation');
    return changeKey;
  };

  /** Sets (or, undefined, clears) the app's contact, as an admin does on the admin page. */
  const setContact = async (contact: string | undefined) => {
    const { site } = app;
    const current = z.object({ settings: z.unknown(), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, site.people.admin, 'getSettings'));
    const { contact: _previous, ...appConfig } = current.appConfig;
    await resolveOk(site, site.people.admin, 'saveSettings', { settings: current.settings, appConfig: contact ? { ...appConfig, contact } : appConfig });
  };

  /** The comments the requester reads through the customer-facing API, checked to be public and free of any internal trace. */
  const requesterSees = async (key: string, requester: string): Promise<string[]> => {
    const portal = await call(app.site, asUser(requester), 'GET', `/rest/servicedeskapi/request/${key}/comment`);
    const seen = z.object({ values: z.array(z.object({ body: z.string(), public: z.boolean() })) }).parse(portal.body).values;
    expect(seen.every((comment) => comment.public)).toBe(true);
    for (const comment of seen) for (const trace of TRACE) expect({ comment: comment.body, trace: trace.test(comment.body) }).toEqual({ comment: comment.body, trace: false });
    return seen.map((comment) => comment.body);
  };

  const activeGrants = async () => (await app.connector.client.listGrants('active')).grants.map((grant) => grant.grantId);

  it('routes to approvers and grants when a DBA lead approves', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H', justification: 'fix order 3' });
    const waiting = await readTicket(site, key);
    expect(waiting.status).toBe('Waiting for approval');
    expect(waiting.property).toMatchObject({ state: 'awaiting-approval', approval: { group: 'dba-leads', count: 1 }, rule: { id: 'fix-needs-lead' } });
    expect(waiting.public).toEqual(['Your request for Emergency fix on demo needs approval by 1 member of DBA leads. Nothing to do for now: you will be told here when it is decided.']);

    expect(await answerApproval(site, key, site.people.approver, 'approve')).toBe(200);
    const granted = await readTicket(site, key);
    expect(granted.status).toBe('Access granted');
    expect(granted.property).toMatchObject({ state: 'active', role: 'write', approvers: [{ accountId: site.people.approver }] });
    expect(granted.internal.join('\n')).toContain('approval-approved: awaiting-approval → approved');
    expect(await activeGrants()).toContain(`${key}.1`);
  });

  it('records a decline and grants nothing', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix' });
    await answerApproval(site, key, site.people.approver2, 'decline');
    const declined = await readTicket(site, key);
    expect(declined.status).toBe('Declined');
    expect(declined.property).toMatchObject({ state: 'declined' });
    expect(declined.public[declined.public.length - 1]).toBe(
      `Your request for Emergency fix on demo was declined. If you still need access, contact ${CONTACT} to ask why, or raise a new request with more detail.`,
    );
    expect(await requesterSees(key, site.people.requester)).toEqual(declined.public);
    await expect(app.connector.client.getGrant(`${key}.1`)).rejects.toMatchObject({ status: 404 });
  });

  it('denies by default when no rule matches: the requester reads why and whom to ask, the rule trace stays internal', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'schema-change' });
    const denied = await readTicket(site, key);
    expect(denied.status).toBe('Denied');
    expect(denied.property).toMatchObject({ state: 'denied', rule: { id: 'invalid-request' } });
    expect(denied.public).toEqual([
      `Your request for Schema change on demo was denied. The target demo does not offer Schema change (connector role ddl).\nIf you still need access, raise a new request that fits the rules, or contact ${CONTACT}.`,
    ]);
    expect(await requesterSees(key, site.people.requester)).toEqual(denied.public);

    // A valid request no rule matches: maintenance linked to a change that is not approved yet.
    const changeKey = await change(Date.now() - 60_000, Date.now() + 3_600_000, false);
    const unmatched = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'maintenance', change: changeKey });
    const byDefault = await readTicket(site, unmatched);
    expect(byDefault.status).toBe('Denied');
    expect(byDefault.property).toMatchObject({ state: 'denied', rule: { id: 'default-deny', name: 'Default deny' } });
    expect(byDefault.public).toEqual([
      `Your request for Maintenance window on demo was denied. No access rule allows this request.\nIf you still need access, raise a new request that fits the rules, or contact ${CONTACT}.`,
    ]);
    expect(await requesterSees(unmatched, site.people.requester)).toEqual(byDefault.public);
    // The whole trace is in the internal note: the rule, each rule that did not match and why.
    expect(byDefault.internal[0]).toContain('Rule: Default deny (default-deny).');
    expect(byDefault.internal[0]).toContain('No rule matched, so the request is denied by default.');
    expect(byDefault.internal[0]).toContain(`the change ${changeKey} is in status Planning, which does not count as approved`);
    const other = await raise(site, app.ids, site.people.requester, { target: 'nowhere', accessLevel: 'read-only' });
    const view = await readTicket(site, other);
    expect(view.property).toMatchObject({ state: 'denied' });
    expect(view.public[0]).toContain('There is no database target "nowhere".');

    // With no contact set, the requester is told what they can do without one.
    await setContact(undefined);
    try {
      const alone = await raise(site, app.ids, site.people.requester, { target: 'nowhere', accessLevel: 'read-only' });
      expect(await requesterSees(alone, site.people.requester)).toEqual([
        'Your request for Read-only troubleshooting on nowhere was denied. There is no database target "nowhere".\nIf you still need access, raise a new request that fits the rules, or reply here to ask the service desk.',
      ]);
    } finally {
      await setContact(CONTACT);
    }
  });

  it('refuses and records a self-approval, then grants on a real approver', async () => {
    const { site } = app;
    const lead = site.people.selfApprover;
    const key = await raise(site, app.ids, lead, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' });
    expect(await answerApproval(site, key, lead, 'approve')).toBe(200);
    const refused = await readTicket(site, key);
    expect(refused.status).toBe('Waiting for approval');
    expect(refused.property).toMatchObject({ state: 'awaiting-approval', approvers: [] });
    expect(refused.internal.join('\n')).toContain('Approval refused: the requester approved their own request');
    expect(refused.internal.join('\n')).toContain('Refused approval by Dan Lead at ');
    expect(refused.internal.join('\n')).not.toContain(lead);
    expect(refused.public[refused.public.length - 1]).toBe(
      'The approval did not count: a requester never approves their own access. The request is back with the approvers; you will be told here when it is decided.',
    );
    expect(await activeGrants()).not.toContain(`${key}.1`);
    const panel = z.object({ refusedApprovals: z.array(z.object({ accountId: z.string() })) }).parse(await resolveOk(site, site.people.agent, 'getGrant', {}, key));
    expect(panel.refusedApprovals.map((entry) => entry.accountId)).toEqual([lead]);

    await answerApproval(site, key, site.people.approver, 'approve');
    const granted = await readTicket(site, key);
    expect(granted.property).toMatchObject({ state: 'active', approvers: [{ accountId: site.people.approver }] });
    expect(granted.internal.join('\n')).toContain('Bob Approver');

    // What the requester reads through the customer-facing API: the public comments, never an internal note.
    const seen = await requesterSees(key, lead);
    expect(seen).toEqual(granted.public);
    const text = seen.join('\n');
    for (const secret of ['Approval refused', 'Refused approval by', 'Bob Approver', site.people.approver]) expect(text).not.toContain(secret);
  });

  it('break-glass grants at once, alerts (internal comment and webhook) and opens a linked review task', async () => {
    const { site } = app;
    const raisedAt = Date.now();
    const key = await raise(site, app.ids, site.people.requester2, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT30M', justification: 'checkout down', breakGlass: true });
    const view = await readTicket(site, key);
    expect(view.status).toBe('Access granted');
    expect(view.property).toMatchObject({ state: 'active', breakGlass: true, rule: { id: 'break-glass-emergency' }, reviewTask: expect.stringMatching(/^JIT-\d+$/) });
    expect(view.internal.join('\n')).toContain('Break-glass: access without prior approval; a review follows.');
    expect(view.public[0]).toMatch(/^Emergency access to demo is active until \w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC\. It will be reviewed afterwards: note in this request what you changed\./);
    expect(await requesterSees(key, site.people.requester2)).toEqual(view.public);
    const reviewTask = z.object({ reviewTask: z.string() }).parse(view.property).reviewTask;
    const task = await call(site, asUser(site.people.agent), 'GET', `/rest/api/3/issue/${reviewTask}?fields=summary,issuelinks,assignee,duedate`);
    // Assigned from the start to the desk's project lead (Alice Agent in this site), due two days after the request.
    const inTwoDays = [raisedAt, Date.now()].map((at) => new Date(at + 2 * 86_400_000).toISOString().slice(0, 10));
    expect(task.body).toMatchObject({
      fields: { summary: `Review break-glass access ${key}`, issuelinks: [expect.objectContaining({ outwardIssue: expect.objectContaining({ key }) })], assignee: { accountId: site.people.agent } },
    });
    expect(inTwoDays).toContain(z.object({ fields: z.object({ duedate: z.string() }) }).parse(task.body).fields.duedate);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'jit-access.break-glass', ticket: key, target: 'demo', reviewTask })]);
  });

  it('bounds change-linked access by the change window and refuses it outside', async () => {
    const { site } = app;
    const now = Date.now();
    const inside = await change(now - 60_000, now + 3_000);
    // Asking for longer than the change window is refused by the rule; asking for the window is granted.
    const tooLong = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'maintenance', duration: 'PT1H', change: inside });
    const tooLongView = await readTicket(site, tooLong);
    expect(tooLongView.status).toBe('Denied');
    expect(tooLongView.internal[0]).toContain(`does not lie inside the planned window of ${inside}`);
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'maintenance', change: inside });
    const granted = await readTicket(site, key);
    expect(granted.status).toBe('Access granted');
    expect(granted.property).toMatchObject({ state: 'active', change: { key: inside }, rule: { id: 'maintenance-in-change' } });
    const window = z.object({ window: z.object({ notAfter: z.string() }) }).parse(granted.property).window;
    expect(Date.parse(window.notAfter)).toBe(now + 3_000);
    const links = await call(site, asUser(site.people.agent), 'GET', `/rest/api/3/issue/${key}?fields=issuelinks`);
    expect(JSON.stringify(links.body)).toContain(inside);
    await waitFor(async () => ((await readTicket(site, key)).status === 'Access expired' ? true : undefined), 15_000, 200);

    const over = await change(now - 120_000, now - 60_000);
    const refused = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'maintenance', change: over });
    const view = await readTicket(site, refused);
    expect(view.status).toBe('Denied');
    expect(view.public[0]).toMatch(/The change's planned window ended at \w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC\./);
    expect(await requesterSees(refused, site.people.requester)).toEqual(view.public);
  });

  it('extends access on a new policy decision, never silently', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const before = z.object({ window: z.object({ notBefore: z.string(), notAfter: z.string() }) }).parse((await readTicket(site, key)).property).window;
    const result = z.object({ outcome: z.string(), notAfter: z.string() }).parse(await resolveOk(site, site.people.requester, 'requestExtension', { extendBy: 'PT2H' }, key));
    expect(result.outcome).toBe('extended');
    expect(Date.parse(result.notAfter)).toBe(Date.parse(before.notAfter) + 2 * 3_600_000);
    const view = await readTicket(site, key);
    expect(view.property).toMatchObject({ state: 'active', window: { notBefore: before.notBefore, notAfter: result.notAfter } });
    expect(view.internal.join('\n')).toContain('extended: active → active');
    expect(view.public[view.public.length - 1]).toContain('now lasts until');
    expect((await app.connector.client.getGrant(`${key}.1`)).notAfter).toBe(result.notAfter);

    const capped = z.object({ outcome: z.string(), notAfter: z.string() }).parse(await resolveOk(site, site.people.requester, 'requestExtension', { extendBy: 'PT8H' }, key));
    expect(capped.outcome).toBe('extended');
    expect(Date.parse(capped.notAfter)).toBe(Date.parse(before.notBefore) + 8 * 3_600_000);
    const atLimit = z.object({ outcome: z.string(), notAfter: z.string() }).parse(await resolveOk(site, site.people.requester, 'requestExtension', { extendBy: 'PT1H' }, key));
    expect(atLimit).toMatchObject({ outcome: 'denied', notAfter: capped.notAfter });
    expect((await app.connector.client.getGrant(`${key}.1`)).notAfter).toBe(capped.notAfter);
    expect((await resolve(site, site.people.requester2, 'requestExtension', { extendBy: 'PT1H' }, key)).ok).toBe(false);
    // Durations and times in words, never PT1H or an ISO instant; the trace of the decision stays internal.
    const told = await requesterSees(key, site.people.requester);
    expect(told.at(-1)).toMatch(/^Your extension by 1 hour could not be granted\. Access already ends at the maximum of .+\. Access still ends at \w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC; raise a new request before then if you need more time\.$/);
    expect(told.filter((comment) => comment.startsWith('Access to demo now lasts until'))).toHaveLength(2);
  });

  it('revokes at once when the ticket is resolved early', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT2H' });
    const credential = z.object({ username: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const db = await app.demoDatabase();
    await expect(runAs(db, credential.username, 'SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await transitionAs(site, key, site.people.agent, 'Resolve');
    const view = await readTicket(site, key);
    expect(view.status).toBe('Resolved');
    expect(view.property).toMatchObject({ state: 'revoked' });
    expect(view.public[view.public.length - 1]).toBe('Access to demo was revoked. If you still need access, raise a new request.');
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('revoked');
    await expect(runAs(db, credential.username, 'SELECT 1')).rejects.toMatchObject({ code: 'not_a_managed_login' });
  });

  it('revokes at once when the ticket is deleted, and writes nothing more to Jira for it', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT2H' });
    const credential = z.object({ username: z.string() }).parse(await resolveOk(site, site.people.requester, 'revealCredential', {}, key));
    const db = await app.demoDatabase();
    await expect(runAs(db, credential.username, 'SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    const callsBefore = site.appCalls.length;
    expect((await call(site, asUser(site.people.agent), 'DELETE', `/rest/api/3/issue/${key}`)).status).toBe(204);
    await settle(site);
    expect(site.jsm.admin.emittedEvents.some((event) => event.eventType === 'avi:jira:deleted:issue' && event.issue.key === key)).toBe(true);
    expect((await app.connector.client.getGrant(`${key}.1`)).state).toBe('revoked');
    expect(await activeGrants()).not.toContain(`${key}.1`);
    await expect(runAs(db, credential.username, 'SELECT 1')).rejects.toMatchObject({ code: 'not_a_managed_login' });
    const stored = site.runtime.inspect.kvs().entities.grant?.[key];
    expect(stored).toMatchObject({ phase: 'closed', record: { state: 'revoked' }, meta: { ticketDeleted: { by: site.people.agent } } });
    expect(site.appCalls.slice(callsBefore).filter((recorded) => recorded.path.includes(key))).toEqual([]);
  });

  it('grants once despite duplicate and reordered events', async () => {
    const { site } = app;
    site.jsm.admin.setEventDelivery({ duplicate: true, reorder: true });
    try {
      const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'emergency-fix', duration: 'PT1H' });
      await answerApproval(site, key, site.people.approver, 'approve');
      await site.jsm.admin.flushEvents();
      await settle(site);
      const view = await readTicket(site, key);
      expect(view.status).toBe('Access granted');
      expect(view.property).toMatchObject({ state: 'active', attempts: 1 });
      expect(view.internal.filter((comment) => comment.includes('grant-succeeded'))).toHaveLength(1);
      expect(view.internal.filter((comment) => comment.includes('policy-needs-approval'))).toHaveLength(1);
      expect((await activeGrants()).filter((id) => id.startsWith(`${key}.`))).toEqual([`${key}.1`]);
    } finally {
      site.jsm.admin.setEventDelivery({ duplicate: false, reorder: false });
      await site.jsm.admin.flushEvents();
    }
  });

  it('admin resolvers authorise through Jira groups, validate payloads and never return the connector secret', async () => {
    const { site } = app;
    expect(await resolve(site, site.people.agent, 'getSettings')).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: admin.' } });
    const invalid = await resolve(site, site.people.admin, 'setConnector', { url: 'ftp://nope', secret: 'short' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const settings = await resolveOk(site, site.people.admin, 'getSettings');
    expect(settings).toMatchObject({ connector: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), secretSet: true, callbackUrl: site.runtime.webTriggerUrl('connector-callback') } });
    expect(JSON.stringify(settings)).not.toContain('integration-test-secret');
    const bad = await resolve(site, site.people.admin, 'saveSettings', { settings: { connectorUrl: 'x' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringContaining('The settings are not valid') } });

    const simulated = await resolveOk(site, site.people.admin, 'simulatePolicy', { request: { target: 'demo', accessLevel: 'read-only', requester: { accountId: 'x' }, duration: 'PT2H' } });
    expect(simulated).toMatchObject({ outcome: { type: 'auto-approve' }, rule: { id: 'read-only-dev' } });
    const checklist = z.object({ items: z.array(z.object({ id: z.string(), done: z.boolean() })) }).parse(await resolveOk(site, site.people.admin, 'setupChecklist'));
    expect(Object.fromEntries(checklist.items.map((item) => [item.id, item.done]))).toEqual({
      'connector-secret': true,
      'connector-reachable': true,
      targets: true,
      'request-types': true,
      fields: true,
      'change-fields': true,
      policies: true,
      'alert-webhook': true,
    });
    const audit = z.object({ rows: z.array(z.object({ ticket: z.string(), state: z.string() })) }).parse(
      await resolveOk(site, site.people.admin, 'auditGrants', { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() }),
    );
    expect(audit.rows.length).toBeGreaterThanOrEqual(10);
    expect(audit.rows[0]).toMatchObject({ ticket: 'JIT-1', state: 'active' });
  });

  it('lets an agent revoke from the panel and answers the panel with the grant state', async () => {
    const { site } = app;
    const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT1H' });
    const panel = await resolveOk(site, site.people.requester, 'getGrant', {}, key);
    expect(panel).toMatchObject({ grant: { state: 'active' }, credentialAvailable: true, viewer: { isRequester: true } });
    expect(await resolve(site, site.people.requester2, 'getGrant', {}, key)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await resolveOk(site, site.people.agent, 'revokeNow', { reason: 'no longer needed' }, key)).toEqual({ state: 'revoked', pending: false });
    const view = await readTicket(site, key);
    expect(view.status).toBe('Access revoked');
    expect(view.property).toMatchObject({ state: 'revoked' });
    expect((await app.connector.client.listGrants('revoked')).grants.map((grant) => grant.grantId)).toContain(`${key}.1`);
  });

  it('sent only documented Jira and JSM requests whose bodies and answers match the platform and JSM OpenAPI descriptions', () => {
    expect(app.site.appCalls.length).toBeGreaterThan(20);
    for (const recorded of app.site.appCalls) {
      expect({ call: `${recorded.method} ${recorded.path}`, documented: findOperation(recorded.method, recorded.path) !== undefined }).toEqual({ call: `${recorded.method} ${recorded.path}`, documented: true });
      if (recorded.body !== undefined && !recorded.path.includes('/properties/')) expect(validateRequestBody(recorded.method, recorded.path, recorded.body)).toEqual({ ok: true });
      if (recorded.response !== undefined) expect(validateResponseBody(recorded.method, recorded.path, recorded.status, recorded.response)).toEqual({ ok: true });
    }
  });

  it('asks in the manifest for exactly the scopes its calls need, derived from the Jira and JSM specs', () => {
    const declared = app.site.runtime.manifest.scopes;
    const allows = (granted: readonly string[], sets: string[][]) => sets.some((set) => set.every((scope) => granted.includes(scope)));
    const operations = new Map<string, string[][]>();
    for (const recorded of app.site.appCalls) {
      const found = findOperation(recorded.method, recorded.path);
      if (found) operations.set(`${recorded.method} ${found.template}`, scopeSetsOf(found.operation));
    }
    for (const [operation, sets] of operations) expect({ operation, allowed: allows(declared, sets) }).toEqual({ operation, allowed: true });
    // A scope is needed when some call the app made is refused without it; storage:app is @forge/kvs's, not a REST call's.
    const needed = declared.filter((scope) => scope === 'storage:app' || [...operations.values()].some((sets) => !allows(declared.filter((other) => other !== scope), sets)));
    expect(needed).toEqual(declared);
    expect(Object.keys(app.site.runtime.inspect.kvs().entities.grant ?? {}).length).toBeGreaterThan(0);
  });
});
