import type { ZodType } from 'zod';
import * as jsmSchemas from '../../../src/sandbox/jsm/jsm-schemas';
import type { JsmIdentity } from '../../../src/sandbox/jsm';
import { asApp, asUser, at, call, raiseRequest, seedSite, type CallResult } from './fixture';
import { routes } from '../../../src/sandbox/jsm/routes';
import { matchRoute } from '../../../src/sandbox/jsm/router';
import { findOperation, validateRequestBody, validateResponseBody } from './openapi-contract';

/** Every route a call below was checked on, so the last test can tell none was left out. */
const checked = new Set<string>();

/** Calls a route and checks both directions against Atlassian's OpenAPI description (Jira platform or JSM, by path). */
async function platform(site: ReturnType<typeof seedSite>, identity: JsmIdentity, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult> {
  expect(findOperation(method, path)).toBeDefined();
  if (body !== undefined && method !== 'PUT' && !path.includes('/properties/')) expect(validateRequestBody(method, path, body)).toEqual({ ok: true });
  const result = await call(site.jsm, identity, method, path, body, headers);
  expect(validateResponseBody(method, path, result.status, result.body)).toEqual({ ok: true });
  const match = matchRoute(routes, method, path.split('?')[0] ?? path);
  if (match.route) checked.add(`${match.route.method} ${match.route.path}`);
  return result;
}

/** A JSM route, against both the spec and the emulator's own zod schema of the answer (which callers share). */
async function jsmRoute(site: ReturnType<typeof seedSite>, identity: JsmIdentity, schema: ZodType, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult> {
  const result = await platform(site, identity, method, path, body, headers);
  const parsed = schema.safeParse(result.body);
  expect(parsed.success ? 'valid' : parsed.error.issues).toBe('valid');
  return result;
}

const OPT_IN = { 'X-ExperimentalApi': 'opt-in' };

describe('contract: every /rest/api/3 route against the Jira platform OpenAPI description', () => {
  const site = seedSite();
  let key = '';
  let changeKey = '';

  beforeAll(async () => {
    key = await raiseRequest(site, site.people.customer);
  });

  it('projects', async () => {
    const list = await platform(site, asApp, 'GET', '/rest/api/3/project');
    expect((list.body as { key: string }[]).map((p) => p.key)).toEqual(['JIT']);
    const one = await platform(site, asUser(site.people.agent), 'GET', '/rest/api/3/project/JIT');
    expect(at(one.body, 'projectTypeKey')).toBe('service_desk');
    expect((await platform(site, asApp, 'GET', '/rest/api/3/project/NOPE')).status).toBe(404);
  });

  it('issues: create a change, read with properties and changelog, edit', async () => {
    const body = {
      fields: { project: { key: 'JIT' }, issuetype: { name: 'Change' }, summary: 'Migrate orders schema', description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Planned' }] }] } },
      properties: [{ key: 'origin', value: { by: 'test' } }],
    };
    const created = await platform(site, asApp, 'POST', '/rest/api/3/issue', body);
    expect(created.status).toBe(201);
    changeKey = String(at(created.body, 'key'));
    const edit = { fields: { summary: 'Migrate orders schema (v2)', labels: ['jit'] } };
    expect((await platform(site, asUser(site.people.agent), 'PUT', `/rest/api/3/issue/${changeKey}`, edit)).status).toBe(204);
    const read = await platform(site, asApp, 'GET', `/rest/api/3/issue/${changeKey}?properties=origin&expand=changelog`);
    expect(at(read.body, 'fields', 'summary')).toBe('Migrate orders schema (v2)');
    expect(at(read.body, 'fields', 'status', 'name')).toBe('Planning');
    expect(at(read.body, 'properties')).toEqual({ origin: { by: 'test' } });
    expect(at(read.body, 'changelog', 'histories', 0, 'items', 0)).toMatchObject({ field: 'summary', fromString: 'Migrate orders schema', toString: 'Migrate orders schema (v2)' });
    const request = await platform(site, asApp, 'GET', `/rest/api/3/issue/${key}`);
    expect(at(request.body, 'fields', site.fields.database, 'value')).toBe('orders-db');
    const bad = await platform(site, asApp, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' } } });
    expect(bad).toMatchObject({ status: 400, body: { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } } });
    expect((await platform(site, asApp, 'GET', '/rest/api/3/issue/JIT-999')).status).toBe(404);
  });

  it('transitions', async () => {
    const list = await platform(site, asApp, 'GET', `/rest/api/3/issue/${changeKey}/transitions`);
    const ready = (at(list.body, 'transitions') as { id: string; name: string }[]).find((t) => t.name === 'Ready for implementation');
    expect(ready?.id).toEqual(expect.any(String));
    expect((await platform(site, asApp, 'POST', `/rest/api/3/issue/${changeKey}/transitions`, { transition: { id: ready?.id } })).status).toBe(204);
    expect((await platform(site, asApp, 'POST', `/rest/api/3/issue/${changeKey}/transitions`, { transition: { id: '999' } })).status).toBe(400);
  });

  it('comments', async () => {
    const adf = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Granted by policy rule 3' }] }] };
    const internal = await platform(site, asApp, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf, properties: [{ key: 'sd.public.comment', value: { internal: true } }] });
    expect(internal.status).toBe(201);
    expect(at(internal.body, 'jsdPublic')).toBe(false);
    const list = await platform(site, asApp, 'GET', `/rest/api/3/issue/${key}/comment`);
    expect(at(list.body, 'total')).toBe(1);
    const one = await platform(site, asApp, 'GET', `/rest/api/3/issue/${key}/comment/${String(at(internal.body, 'id'))}`);
    expect(at(one.body, 'body')).toEqual(adf);
  });

  it('issue properties', async () => {
    const path = `/rest/api/3/issue/${key}/properties/jit-access`;
    expect((await platform(site, asApp, 'PUT', path, { state: 'awaiting-approval' })).status).toBe(201);
    expect((await platform(site, asApp, 'PUT', path, { state: 'active' })).status).toBe(200);
    expect((await platform(site, asApp, 'GET', path)).body).toEqual({ key: 'jit-access', value: { state: 'active' } });
    expect(at((await platform(site, asApp, 'GET', `/rest/api/3/issue/${key}/properties`)).body, 'keys', 0, 'key')).toBe('jit-access');
    expect((await platform(site, asApp, 'DELETE', path)).status).toBe(204);
    expect((await platform(site, asApp, 'GET', path)).status).toBe(404);
  });

  it('attachments: a multipart upload, the file in the issue, its content', async () => {
    const form = new FormData();
    form.append('file', new Blob(['{"at":"x"}\n'], { type: 'application/x-ndjson' }), 'activity.jsonl');
    const path = `/rest/api/3/issue/${key}/attachments`;
    const uploaded = await site.jsm.handle(new Request(`https://example.atlassian.net${path}`, { method: 'POST', headers: { 'X-Atlassian-Token': 'no-check' }, body: form }), asApp);
    const added: unknown = await uploaded.json();
    expect({ status: uploaded.status, valid: validateResponseBody('POST', path, uploaded.status, added) }).toEqual({ status: 200, valid: { ok: true } });
    checked.add('POST /rest/api/3/issue/{issueIdOrKey}/attachments');
    const read = await platform(site, asApp, 'GET', `/rest/api/3/issue/${key}?fields=attachment`);
    expect(at(read.body, 'fields', 'attachment', 0, 'filename')).toBe('activity.jsonl');
    const content = `/rest/api/3/attachment/content/${String(at(added, 0, 'id'))}`;
    const redirected = await site.jsm.handle(new Request(`https://example.atlassian.net${content}`), asApp);
    expect({ status: redirected.status, valid: validateResponseBody('GET', content, redirected.status, null) }).toEqual({ status: 303, valid: { ok: true } });
    expect((await platform(site, asApp, 'GET', '/rest/api/3/attachment/content/99999?redirect=false')).status).toBe(404);
  });

  it('issue links and link types', async () => {
    const types = await platform(site, asApp, 'GET', '/rest/api/3/issueLinkType');
    expect((at(types.body, 'issueLinkTypes') as { name: string }[]).map((t) => t.name)).toContain('Relates');
    const link = { type: { name: 'Relates' }, inwardIssue: { key }, outwardIssue: { key: changeKey } };
    expect((await platform(site, asApp, 'POST', '/rest/api/3/issueLink', link)).status).toBe(201);
    const read = await platform(site, asApp, 'GET', `/rest/api/3/issue/${key}?fields=issuelinks`);
    expect(at(read.body, 'fields', 'issuelinks', 0, 'outwardIssue', 'key')).toBe(changeKey);
  });

  it('issue notifications: to the members of a group who may see the issue, a 400 for a recipient that does not exist', async () => {
    const notify = (identity: JsmIdentity, to: unknown, issue = key) => platform(site, identity, 'POST', `/rest/api/3/issue/${issue}/notify`, { subject: 'Alert not delivered', textBody: 'Check the webhook.', to });
    expect((await notify(asApp, { groups: [{ name: 'jira-admins' }] })).status).toBe(204);
    // A customer in the group may not see a request of another customer: Jira's scheme leaves them out.
    site.jsm.admin.addToGroup('incident-watch', site.people.agent);
    site.jsm.admin.addToGroup('incident-watch', site.people.otherCustomer);
    expect((await notify(asApp, { groups: [{ name: 'incident-watch' }], reporter: true })).status).toBe(204);
    expect(site.jsm.admin.notifications.map((sent) => [sent.issueKey, sent.subject, sent.recipients])).toEqual([
      [key, 'Alert not delivered', [site.people.siteAdmin]],
      [key, 'Alert not delivered', [site.people.customer, site.people.agent]],
    ]);
    expect(await notify(asApp, { groups: [{ name: 'no-such-group' }] })).toMatchObject({ status: 400, body: { errorMessages: ['The group no-such-group does not exist.'] } });
    expect(await notify(asApp, {})).toMatchObject({ status: 400, body: { errorMessages: ['No recipients were defined for notification.'] } });
    expect(await notify(asApp, { assignee: true })).toMatchObject({ status: 400, body: { errorMessages: ['The issue has no assignee to notify.'] } });
    expect((await notify(asUser(site.people.otherCustomer), { groups: [{ name: 'jira-admins' }] })).status).toBe(404);
    expect(site.jsm.admin.notifications).toHaveLength(2);
  });

  it('a due date as Jira takes it: a date, never a date and time', async () => {
    const task = (duedate: string) => platform(site, asApp, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 'Review', duedate } });
    const created = await task('2026-12-01');
    expect(created.status).toBe(201);
    const read = await platform(site, asApp, 'GET', `/rest/api/3/issue/${String(at(created.body, 'key'))}?fields=duedate`);
    expect(at(read.body, 'fields', 'duedate')).toBe('2026-12-01');
    expect(await task('2026-12-01T10:00:00Z')).toMatchObject({ status: 400, body: { errors: { duedate: 'Error parsing date string: 2026-12-01T10:00:00Z' } } });
  });

  it('fields, including creating a custom field as the app', async () => {
    const created = await platform(site, asApp, 'POST', '/rest/api/3/field', { name: 'Planned end', type: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime', searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:datetimerange' });
    expect(created.status).toBe(201);
    expect(at(created.body, 'schema')).toMatchObject({ type: 'datetime', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime' });
    const all = await platform(site, asApp, 'GET', '/rest/api/3/field');
    expect((all.body as { name: string }[]).map((f) => f.name)).toEqual(expect.arrayContaining(['Summary', 'Target database', 'Planned end']));
    const refused = await platform(site, asUser(site.people.agent), 'POST', '/rest/api/3/field', { name: 'Nope', type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' });
    expect(refused).toMatchObject({ status: 400, body: { errorMessages: ['Only Jira administrators can create custom fields.'] } });
  });

  it('users and groups', async () => {
    const user = await platform(site, asApp, 'GET', `/rest/api/3/user?accountId=${site.people.customer}`);
    expect(at(user.body, 'displayName')).toBe('Dave Customer');
    const search = await platform(site, asApp, 'GET', '/rest/api/3/user/search?query=carol');
    expect((search.body as { accountId: string }[]).map((u) => u.accountId)).toEqual([site.people.approver2]);
    expect(at((await platform(site, asUser(site.people.agent), 'GET', '/rest/api/3/myself')).body, 'accountId')).toBe(site.people.agent);
    const members = await platform(site, asApp, 'GET', '/rest/api/3/group/member?groupname=jit-approvers');
    expect(at(members.body, 'total')).toBe(2);
    const groups = await platform(site, asApp, 'GET', `/rest/api/3/user/groups?accountId=${site.people.approver}`);
    expect((groups.body as { name: string }[]).map((g) => g.name)).toEqual(['jit-approvers']);
    expect((await platform(site, asApp, 'GET', '/rest/api/3/user?accountId=nobody')).status).toBe(404);
  });

  it('JQL search', async () => {
    const body = { jql: 'project = JIT AND issuetype = "Service Request with Approvals" AND status = "Waiting for approval"', fields: ['summary', 'status'], properties: ['jit-access'], maxResults: 10 };
    const found = await platform(site, asApp, 'POST', '/rest/api/3/search/jql', body);
    expect((at(found.body, 'issues') as { key: string }[]).map((i) => i.key)).toEqual([key]);
    const byKey = await platform(site, asApp, 'POST', '/rest/api/3/search/jql', { jql: `key in (${key}, ${changeKey}) ORDER BY key ASC` });
    expect((at(byKey.body, 'issues') as { key: string }[]).map((i) => i.key)).toEqual([key, changeKey]);
    const bad = await platform(site, asApp, 'POST', '/rest/api/3/search/jql', { jql: 'priority = High' });
    expect(bad).toMatchObject({ status: 400, body: { errorMessages: ["Field 'priority' does not exist or you do not have permission to view it."], errors: {} } });
    const viaGet = await platform(site, asApp, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent(`key = ${key}`)}&fields=summary`);
    expect((at(viaGet.body, 'issues') as { key: string }[]).map((i) => i.key)).toEqual([key]);
  });

  it('deleting an issue: agents may, customers may not, and it is gone', async () => {
    const created = await platform(site, asApp, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 'Short-lived' } });
    const doomed = String(at(created.body, 'key'));
    expect((await platform(site, asUser(site.people.customer), 'DELETE', `/rest/api/3/issue/${doomed}`)).status).toBe(404);
    expect((await platform(site, asUser(site.people.agent), 'DELETE', `/rest/api/3/issue/${doomed}`)).status).toBe(204);
    expect((await platform(site, asApp, 'GET', `/rest/api/3/issue/${doomed}`)).status).toBe(404);
    expect(site.jsm.admin.emittedEvents.filter((event) => event.eventType === 'avi:jira:deleted:issue').map((event) => event.issue.key)).toEqual([doomed]);
  });
});

describe('contract: every /rest/servicedeskapi route against the JSM OpenAPI description', () => {
  const site = seedSite();

  it('service desks, request types and their fields', async () => {
    const desks = await jsmRoute(site, asApp, jsmSchemas.pagedSchema(jsmSchemas.serviceDeskSchema), 'GET', '/rest/servicedeskapi/servicedesk');
    const deskId = String(at(desks.body, 'values', 0, 'id'));
    await jsmRoute(site, asApp, jsmSchemas.serviceDeskSchema, 'GET', `/rest/servicedeskapi/servicedesk/${deskId}`);
    const requestBody = { issueTypeId: site.jsm.admin.issueTypeId('Service Request'), name: 'Emergency access', description: 'Break-glass', helpText: 'Only in an incident' };
    expect(jsmSchemas.createRequestTypeRequestSchema.safeParse(requestBody).success).toBe(true);
    const withoutOptIn = await jsmRoute(site, asApp, jsmSchemas.jsmErrorSchema, 'POST', `/rest/servicedeskapi/servicedesk/${deskId}/requesttype`, requestBody);
    expect(withoutOptIn.status).toBe(412);
    const created = await jsmRoute(site, asApp, jsmSchemas.requestTypeSchema, 'POST', `/rest/servicedeskapi/servicedesk/${deskId}/requesttype`, requestBody, OPT_IN);
    // Created by API, a request type is in no group: not on the portal until an admin puts it in one.
    expect(at(created.body, 'groupIds')).toEqual([]);
    const types = await jsmRoute(site, asApp, jsmSchemas.pagedSchema(jsmSchemas.requestTypeSchema), 'GET', `/rest/servicedeskapi/servicedesk/${deskId}/requesttype`);
    expect(at(types.body, 'size')).toBe(2);
    await jsmRoute(site, asApp, jsmSchemas.requestTypeSchema, 'GET', `/rest/servicedeskapi/servicedesk/${deskId}/requesttype/${site.requestType}`);
    const fields = await jsmRoute(site, asUser(site.people.customer), jsmSchemas.requestTypeFieldsSchema, 'GET', `/rest/servicedeskapi/servicedesk/${deskId}/requesttype/${site.requestType}/field`);
    const database = (at(fields.body, 'requestTypeFields') as { fieldId: string; validValues: { label: string }[] }[]).find((f) => f.fieldId === site.fields.database);
    expect(database?.validValues.map((v) => v.label)).toEqual(['orders-db', 'billing-db']);
  });

  it('customer requests, approvals and comments', async () => {
    const validValue = at(
      (await call(site.jsm, asApp, 'GET', `/rest/servicedeskapi/servicedesk/${site.desk.serviceDeskId}/requesttype/${site.requestType}/field`)).body,
      'requestTypeFields', 2, 'validValues', 1, 'value',
    );
    const body = { serviceDeskId: site.desk.serviceDeskId, requestTypeId: site.requestType, requestFieldValues: { summary: 'Write to billing-db', [site.fields.database]: validValue, [site.fields.level]: { value: 'write' } } };
    expect(jsmSchemas.createCustomerRequestSchema.safeParse(body).success).toBe(true);
    const created = await jsmRoute(site, asUser(site.people.customer), jsmSchemas.customerRequestSchema, 'POST', '/rest/servicedeskapi/request', body);
    expect(created.status).toBe(201);
    expect(at(created.body, 'requestFieldValues')).toEqual(
      expect.arrayContaining([expect.objectContaining({ fieldId: site.fields.database, label: 'Target database', value: expect.objectContaining({ value: 'billing-db' }) })]),
    );
    const key = String(at(created.body, 'issueKey'));
    await jsmRoute(site, asUser(site.people.customer), jsmSchemas.customerRequestSchema, 'GET', `/rest/servicedeskapi/request/${key}`);
    await jsmRoute(site, asUser(site.people.customer), jsmSchemas.pagedSchema(jsmSchemas.customerRequestSchema), 'GET', '/rest/servicedeskapi/request');
    const approvals = await jsmRoute(site, asUser(site.people.approver), jsmSchemas.pagedSchema(jsmSchemas.approvalSchema), 'GET', `/rest/servicedeskapi/request/${key}/approval`);
    const approvalId = String(at(approvals.body, 'values', 0, 'id'));
    await jsmRoute(site, asUser(site.people.approver), jsmSchemas.approvalSchema, 'GET', `/rest/servicedeskapi/request/${key}/approval/${approvalId}`);
    expect(jsmSchemas.approvalDecisionRequestSchema.safeParse({ decision: 'approve' }).success).toBe(true);
    await jsmRoute(site, asUser(site.people.approver), jsmSchemas.approvalSchema, 'POST', `/rest/servicedeskapi/request/${key}/approval/${approvalId}`, { decision: 'approve' });
    const comment = { body: 'Access is active until 14:00 UTC.', public: true };
    expect(jsmSchemas.createCommentRequestSchema.safeParse(comment).success).toBe(true);
    const posted = await jsmRoute(site, asApp, jsmSchemas.commentSchema, 'POST', `/rest/servicedeskapi/request/${key}/comment`, comment);
    await jsmRoute(site, asUser(site.people.customer), jsmSchemas.pagedSchema(jsmSchemas.commentSchema), 'GET', `/rest/servicedeskapi/request/${key}/comment`);
    await jsmRoute(site, asUser(site.people.customer), jsmSchemas.commentSchema, 'GET', `/rest/servicedeskapi/request/${key}/comment/${String(at(posted.body, 'id'))}`);
    const missing = await jsmRoute(site, asApp, jsmSchemas.jsmErrorSchema, 'GET', '/rest/servicedeskapi/request/JIT-404');
    expect(missing.status).toBe(404);
  });
});

describe('contract coverage', () => {
  it('checked every route the emulator serves against its OpenAPI description', () => {
    expect(routes.map((route) => `${route.method} ${route.path}`).filter((route) => !checked.has(route))).toEqual([]);
  });
});
