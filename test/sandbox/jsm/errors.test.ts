import { asApp, asUser, at, call, raiseRequest, seedSite } from './fixture';

describe('errors the way Jira and JSM return them', () => {
  it('answers 429 with Retry-After once the rate limit is reached, and recovers when the window passes', async () => {
    let now = new Date('2026-11-21T10:00:00Z');
    const site = seedSite({ now: () => now });
    site.jsm.admin.setRateLimit({ maxRequests: 2, windowSeconds: 60 });
    expect((await call(site.jsm, asApp, 'GET', '/rest/api/3/project')).status).toBe(200);
    expect((await call(site.jsm, asApp, 'GET', '/rest/servicedeskapi/servicedesk')).status).toBe(200);
    const limited = await call(site.jsm, asApp, 'GET', '/rest/api/3/project');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(limited.body).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    const jsmLimited = await call(site.jsm, asApp, 'GET', '/rest/servicedeskapi/servicedesk');
    expect(jsmLimited.body).toMatchObject({ errorMessage: 'Rate limit exceeded.' });
    now = new Date('2026-11-21T10:01:00Z');
    expect((await call(site.jsm, asApp, 'GET', '/rest/api/3/project')).status).toBe(200);
    site.jsm.admin.setRateLimit(null);
    for (let i = 0; i < 5; i += 1) expect((await call(site.jsm, asApp, 'GET', '/rest/api/3/project')).status).toBe(200);
  });

  it('refuses bad JSON with 400 and changes nothing', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const broken = await call(site.jsm, asApp, 'PUT', `/rest/api/3/issue/${key}`, '{"fields": {"summary": ');
    expect(broken.status).toBe(400);
    expect(at(broken.body, 'errorMessages', 0)).toMatch(/^Unexpected character in JSON body/);
    const empty = await call(site.jsm, asApp, 'POST', '/rest/servicedeskapi/request', '');
    expect(empty).toMatchObject({ status: 400, body: { errorMessage: 'No content to map due to end-of-input' } });
    expect(at((await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=summary`)).body, 'fields', 'summary')).toBe('Read access to orders-db');
  });

  it('refuses an unknown or invalid requestFieldValues entry with 400 and creates nothing', async () => {
    const site = seedSite();
    const received: unknown[] = [];
    site.jsm.onEvent((event) => received.push(event));
    const base = { serviceDeskId: site.desk.serviceDeskId, requestTypeId: site.requestType };
    const unknown = await call(site.jsm, asUser(site.people.customer), 'POST', '/rest/servicedeskapi/request', {
      ...base,
      requestFieldValues: { summary: 'x', [site.fields.database]: 'orders-db', [site.fields.level]: 'read', customfield_77777: 'sneaky' },
    });
    expect(unknown).toMatchObject({ status: 400, body: { errorMessage: "The field 'customfield_77777' is not valid for this request type." } });
    const badOption = await call(site.jsm, asUser(site.people.customer), 'POST', '/rest/servicedeskapi/request', {
      ...base,
      requestFieldValues: { summary: 'x', [site.fields.database]: 'prod-everything', [site.fields.level]: 'read' },
    });
    expect(badOption).toMatchObject({ status: 400, body: { errorMessage: "Target database: Option value 'prod-everything' is not valid" } });
    const missing = await call(site.jsm, asUser(site.people.customer), 'POST', '/rest/servicedeskapi/request', { ...base, requestFieldValues: { summary: 'x', [site.fields.database]: 'orders-db' } });
    expect(missing).toMatchObject({ status: 400, body: { errorMessage: 'Access level: this field is required.' } });
    await site.jsm.admin.flushEvents();
    expect(received).toEqual([]);
    expect(at((await call(site.jsm, asApp, 'POST', '/rest/api/3/search/jql', { jql: 'project = JIT' })).body, 'issues')).toEqual([]);
    // The failed attempts did not use up an issue number.
    expect(await raiseRequest(site, site.people.customer)).toBe('JIT-1');
  });

  it('refuses an edit with one bad field whole, reporting every bad field', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const result = await call(site.jsm, asApp, 'PUT', `/rest/api/3/issue/${key}`, { fields: { summary: 'Changed', [site.fields.level]: { value: 'root' }, status: { name: 'Done' } } });
    expect(result).toEqual({
      status: 400,
      headers: expect.any(Headers),
      body: {
        errorMessages: [],
        errors: { [site.fields.level]: "Option value 'root' is not valid", status: "Field 'status' cannot be set. It is not on the appropriate screen, or unknown." },
      },
    });
    expect(at((await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=summary`)).body, 'fields', 'summary')).toBe('Read access to orders-db');
  });

  it('answers 401 to the anonymous and to unknown accounts, 404 and 405 for unknown routes', async () => {
    const site = seedSite();
    expect(await call(site.jsm, { kind: 'anonymous' }, 'GET', '/rest/api/3/myself')).toMatchObject({
      status: 401,
      body: { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'] },
    });
    expect((await call(site.jsm, asUser('no-such-account'), 'GET', '/rest/servicedeskapi/servicedesk')).status).toBe(401);
    expect((await call(site.jsm, asApp, 'GET', '/rest/api/3/dashboard')).status).toBe(404);
    expect((await call(site.jsm, asApp, 'DELETE', '/rest/api/3/project/JIT')).status).toBe(405);
  });

  it('answers JQL it does not understand with Jira 400s', async () => {
    const site = seedSite();
    const jql = async (query: string) => (await call(site.jsm, asApp, 'POST', '/rest/api/3/search/jql', { jql: query })).body;
    expect(await jql('project = NOPE')).toEqual({ errorMessages: ["The value 'NOPE' does not exist for the field 'project'."], errors: {} });
    expect(await jql('project = JIT OR status = Done')).toEqual({
      errorMessages: ["Error in the JQL Query: Expecting either 'AND' or 'ORDER BY' but got 'OR'. (line 1, character 15)"],
      errors: {},
    });
    expect(await jql('summary ~ "db"')).toEqual({ errorMessages: ["Error in the JQL Query: The character '~' is a reserved JQL character. (line 1, character 9)"], errors: {} });
    expect(await jql('project = JIT AND issue.property[jit-access].state = active AND reporter = currentUser()')).toEqual({ issues: [] });
  });

  it('counts REST calls for budgets', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    site.jsm.calls.reset();
    await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}`);
    await call(site.jsm, asApp, 'PUT', `/rest/api/3/issue/${key}/properties/jit-access`, { state: 'active' });
    await call(site.jsm, asUser(site.people.agent), 'GET', `/rest/api/3/issue/${key}`);
    expect(site.jsm.calls.count()).toBe(3);
    expect(site.jsm.calls.count({ identity: 'app' })).toBe(2);
    expect(site.jsm.calls.count({ method: 'put', path: /\/properties\// })).toBe(1);
    expect(site.jsm.calls.log[0]).toEqual({ method: 'GET', path: `/rest/api/3/issue/${key}`, identity: { kind: 'app' }, status: 200 });
  });
});
