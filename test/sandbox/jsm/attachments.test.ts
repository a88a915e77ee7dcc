import type { JsmIdentity } from '../../../src/sandbox/jsm';
import { asApp, asUser, at, call, raiseRequest, seedSite, type Site } from './fixture';

const NO_CHECK = { 'X-Atlassian-Token': 'no-check' };

async function upload(site: Site, identity: JsmIdentity, key: string, form: FormData, headers: Record<string, string> = NO_CHECK) {
  const response = await site.jsm.handle(new Request(`https://example.atlassian.net/rest/api/3/issue/${key}/attachments`, { method: 'POST', headers: { accept: 'application/json', ...headers }, body: form }), identity);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

const fileForm = (name: string, text: string, type = 'application/x-ndjson', field = 'file') => {
  const form = new FormData();
  form.append(field, new Blob([text], { type }), name);
  return form;
};

async function attachmentsOf(site: Site, key: string) {
  return at((await call(site.jsm, asApp, 'GET', `/rest/api/3/issue/${key}?fields=attachment`)).body, 'fields', 'attachment') as { id: string; filename: string; size: number; mimeType: string; content: string }[];
}

describe('issue attachments (POST /rest/api/3/issue/{key}/attachments) as Jira takes them', () => {
  it('stores the file, lists it in the issue\'s attachment field and serves its bytes', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    const added = await upload(site, asApp, key, fileForm('activity.jsonl', '{"a":1}\n'));
    expect(added.status).toBe(200);
    expect(added.body).toEqual([expect.objectContaining({ filename: 'activity.jsonl', size: 8, mimeType: 'application/x-ndjson', content: expect.stringMatching(/\/rest\/api\/3\/attachment\/content\/\d+$/) })]);
    const listed = await attachmentsOf(site, key);
    expect(listed.map(({ filename, size }) => ({ filename, size }))).toEqual([{ filename: 'activity.jsonl', size: 8 }]);

    const path = new URL(listed[0]?.content ?? '').pathname;
    const redirected = await site.jsm.handle(new Request(`https://example.atlassian.net${path}`), asApp);
    expect(redirected.status).toBe(303);
    const bytes = await site.jsm.handle(new Request(`https://example.atlassian.net${path}?redirect=false`), asApp);
    expect({ status: bytes.status, type: bytes.headers.get('content-type'), text: await bytes.text() }).toEqual({ status: 200, type: 'application/x-ndjson', text: '{"a":1}\n' });
  });

  it('refuses without X-Atlassian-Token: no-check, to a customer, a JSON body, a part not named file, and a Forge app without the scope; none stores anything', async () => {
    const site = seedSite();
    const key = await raiseRequest(site, site.people.customer);
    expect(await upload(site, asApp, key, fileForm('a.txt', 'x'), {})).toEqual({ status: 403, body: { errorMessages: ['XSRF check failed'], errors: {} } });
    expect((await upload(site, asUser(site.people.customer), key, fileForm('a.txt', 'x'))).status).toBe(403);
    expect((await upload(site, asApp, key, fileForm('a.txt', 'x', 'text/plain', 'attachment'))).status).toBe(400);
    expect((await call(site.jsm, asApp, 'POST', `/rest/api/3/issue/${key}/attachments`, { file: 'x' }, NO_CHECK)).status).toBe(415);
    expect((await upload(site, { kind: 'app', scopes: ['read:jira-work'] }, key, fileForm('a.txt', 'x'))).status).toBe(401);
    expect(await attachmentsOf(site, key)).toEqual([]);
    // A customer who cannot see the issue gets a 404 for its file.
    expect((await upload(site, asApp, key, fileForm('a.txt', 'x'))).status).toBe(200);
    const other = await site.jsm.handle(new Request(`https://example.atlassian.net${new URL((await attachmentsOf(site, key))[0]?.content ?? '').pathname}?redirect=false`), asUser(site.people.otherCustomer));
    expect(other.status).toBe(404);
  });
});
