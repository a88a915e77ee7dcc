import { asApp, asUser, at, call, raiseRequest, seedSite } from './fixture';

describe('what a customer may see and do', () => {
  it('shows a customer public comments only, on both APIs, and refuses them internal ones', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    await call(site.jsm, asApp, 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: 'Policy rule prod-write needs approval', public: false });
    await call(site.jsm, asApp, 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: 'Waiting for an approver', public: true });

    const customerJsm = await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/servicedeskapi/request/${key}/comment`);
    expect((at(customerJsm.body, 'values') as { body: string; public: boolean }[]).map((c) => [c.body, c.public])).toEqual([['Waiting for an approver', true]]);
    const customerPlatform = await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/api/3/issue/${key}/comment`);
    expect(at(customerPlatform.body, 'total')).toBe(1);
    expect(at((await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/api/3/issue/${key}?fields=comment`)).body, 'fields', 'comment', 'total')).toBe(1);
    const agent = await call(site.jsm, asUser(site.people.agent), 'GET', `/rest/servicedeskapi/request/${key}/comment`);
    expect((at(agent.body, 'values') as { public: boolean }[]).map((c) => c.public)).toEqual([false, true]);
    const internalId = String(at(agent.body, 'values', 0, 'id'));
    expect((await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/servicedeskapi/request/${key}/comment/${internalId}`)).status).toBe(404);

    const refused = await call(site.jsm, asUser(site.people.customer), 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: 'psst', public: false });
    expect(refused).toMatchObject({ status: 403, body: { errorMessage: 'Customers can only add public comments.' } });
    const publicOne = await call(site.jsm, asUser(site.people.customer), 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: 'Thanks', public: true });
    expect(publicOne.status).toBe(201);
    expect(at((await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}/comment`)).body, 'total')).toBe(3);
  });

  it('shows a customer only their own requests', async () => {
    const site = seedSite();
    const mine = await raiseRequest(site, site.people.customer, 'Mine');
    const theirs = await raiseRequest(site, site.people.otherCustomer, 'Theirs');
    const me = asUser(site.people.customer);
    expect((await call(site.jsm, me, 'GET', `/rest/servicedeskapi/request/${theirs}`)).status).toBe(404);
    expect((await call(site.jsm, me, 'GET', `/rest/api/3/issue/${theirs}`)).body).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    const list = await call(site.jsm, me, 'GET', '/rest/servicedeskapi/request');
    expect((at(list.body, 'values') as { issueKey: string }[]).map((r) => r.issueKey)).toEqual([mine]);
    const search = await call(site.jsm, me, 'POST', '/rest/api/3/search/jql', { jql: 'project = JIT', fields: ['summary'] });
    expect((at(search.body, 'issues') as { key: string }[]).map((i) => i.key)).toEqual([mine]);
    const agentSearch = await call(site.jsm, asUser(site.people.agent), 'POST', '/rest/api/3/search/jql', { jql: 'project = JIT' });
    expect((at(agentSearch.body, 'issues') as { key: string }[]).map((i) => i.key)).toEqual([theirs, mine]);
  });

  it('lists open or closed requests as requestStatus asks (all when it is absent), and refuses an unknown value', async () => {
    const site = seedSite();
    const open = await raiseRequest(site, site.people.customer, 'Still open');
    const closed = await raiseRequest(site, site.people.customer, 'Done with');
    const agent = asUser(site.people.agent);
    const transitions = at((await call(site.jsm, agent, 'GET', `/rest/api/3/issue/${closed}/transitions`)).body, 'transitions') as { id: string; to: { statusCategory: { key: string } } }[];
    const done = transitions.find((transition) => transition.to.statusCategory.key === 'done');
    expect((await call(site.jsm, agent, 'POST', `/rest/api/3/issue/${closed}/transitions`, { transition: { id: done?.id } })).status).toBe(204);
    const me = asUser(site.people.customer);
    const keys = async (query: string) => (at((await call(site.jsm, me, 'GET', `/rest/servicedeskapi/request${query}`)).body, 'values') as { issueKey: string }[]).map((r) => r.issueKey).sort();
    expect(await keys('?requestStatus=OPEN_REQUESTS')).toEqual([open]);
    expect(await keys('?requestStatus=CLOSED_REQUESTS')).toEqual([closed]);
    expect(await keys('')).toEqual([open, closed].sort());
    expect((await call(site.jsm, me, 'GET', '/rest/servicedeskapi/request?requestStatus=MINE')).status).toBe(400);
  });

  it('refuses a customer edits, properties and raising on behalf of someone else', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const me = asUser(site.people.customer);
    expect((await call(site.jsm, me, 'PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Changed' } })).status).toBe(403);
    expect((await call(site.jsm, me, 'PUT', `/rest/api/3/issue/${key}/properties/jit-access`, { state: 'active' })).status).toBe(403);
    const onBehalf = await call(site.jsm, me, 'POST', '/rest/servicedeskapi/request', {
      serviceDeskId: site.desk.serviceDeskId,
      requestTypeId: site.requestType,
      raiseOnBehalfOf: site.people.otherCustomer,
      requestFieldValues: { summary: 'x', [site.fields.database]: 'orders-db', [site.fields.level]: 'read' },
    });
    expect(onBehalf.status).toBe(403);
    const issue = await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=summary&properties=jit-access`);
    expect(at(issue.body, 'fields', 'summary')).toBe('Read access to orders-db');
    expect(at(issue.body, 'properties')).toEqual({});
  });

  it('lets the app raise a request on behalf of a customer', async () => {
    const site = seedSite();
    const created = await call(site.jsm, asApp, 'POST', '/rest/servicedeskapi/request', {
      serviceDeskId: site.desk.serviceDeskId,
      requestTypeId: site.requestType,
      raiseOnBehalfOf: 'dave@example.com',
      requestFieldValues: { summary: 'On behalf', [site.fields.database]: 'billing-db', [site.fields.level]: 'read' },
    });
    expect(created.status).toBe(201);
    expect(at(created.body, 'reporter', 'accountId')).toBe(site.people.customer);
    expect((await call(site.jsm, asUser(site.people.customer), 'GET', `/rest/servicedeskapi/request/${String(at(created.body, 'issueKey'))}`)).status).toBe(200);
  });
});
