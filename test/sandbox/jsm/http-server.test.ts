import { asUser, at, call, raiseRequest, seedSite } from './fixture';

const basic = (email: string) => `Basic ${Buffer.from(`${email}:any-api-token`).toString('base64')}`;

describe('HTTP server', () => {
  const site = seedSite();
  let server: { url: string; close(): Promise<void> };
  let key = '';

  beforeAll(async () => {
    key = await raiseRequest(site, site.people.customer);
    await call(site.jsm, asUser(site.people.agent), 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: 'internal note', public: false });
    server = await site.jsm.listen();
  });
  afterAll(() => server.close());

  it('serves the same answers over Basic auth as in-process', async () => {
    for (const [email, accountId] of [
      ['dave@example.com', site.people.customer],
      ['alice@example.com', site.people.agent],
    ] as const) {
      const path = `/rest/servicedeskapi/request/${key}/comment`;
      const overHttp = await fetch(`${server.url}${path}`, { headers: { Authorization: basic(email) } });
      const inProcess = await call(site.jsm, asUser(accountId), 'GET', path);
      expect(overHttp.status).toBe(inProcess.status);
      expect(await overHttp.json()).toEqual(inProcess.body);
    }
  });

  it('creates through HTTP with the caller as reporter, and returns errors with their status', async () => {
    const created = await fetch(`${server.url}/rest/servicedeskapi/request`, {
      method: 'POST',
      headers: { Authorization: basic('ERIN@example.com'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ serviceDeskId: site.desk.serviceDeskId, requestTypeId: site.requestType, requestFieldValues: { summary: 'Over HTTP', [site.fields.database]: 'orders-db', [site.fields.level]: 'read' } }),
    });
    expect(created.status).toBe(201);
    expect(at(await created.json(), 'reporter', 'accountId')).toBe(site.people.otherCustomer);
    const bad = await fetch(`${server.url}/rest/api/3/issue/${key}`, { method: 'PUT', headers: { Authorization: basic('alice@example.com') }, body: 'not json' });
    expect(bad.status).toBe(400);
  });

  it("a request's REST links: self answers with the request, jiraRest names its issue in the platform API as JSM does", async () => {
    const request = await fetch(`${server.url}/rest/servicedeskapi/request/${key}`, { headers: { Authorization: basic('dave@example.com') } });
    const links = at(await request.json(), '_links') as Record<string, string>;
    const self = await fetch(`${server.url}${new URL(links.self ?? '').pathname}`, { headers: { Authorization: basic('alice@example.com') } });
    expect(self.status).toBe(200);
    expect(at(await self.json(), 'issueKey')).toBe(key);
    const issue = await fetch(`${server.url}/rest/api/3/issue/${key}`, { headers: { Authorization: basic('alice@example.com') } });
    expect(new URL(links.jiraRest ?? '').pathname).toBe(`/rest/api/2/issue/${String(at(await issue.json(), 'id'))}`);
  });

  it('answers 401 without credentials or for an unknown email', async () => {
    const anonymous = await fetch(`${server.url}/rest/api/3/myself`);
    expect(anonymous.status).toBe(401);
    const unknown = await fetch(`${server.url}/rest/api/3/myself`, { headers: { Authorization: basic('mallory@example.com') } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Basic realm="sandbox"');
    const me = await fetch(`${server.url}/rest/api/3/myself`, { headers: { Authorization: basic('bob@example.com') } });
    expect(at(await me.json(), 'accountId')).toBe(site.people.approver);
  });
});
