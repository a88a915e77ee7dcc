import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { signRequest } from '../../../src/protocol';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { postgresFixture, SECRET, startTestConnector, type TestConnector } from '../support/harness';

/**
 * Finding 4, from the attacker's side: under v1 one signature over `TS.METHOD.PATH.BODY` served two requests,
 * e.g. `DELETE /v1/grants/X.1` (no body) and `DELETE /v1/grants/X` with the body `1.`. Whoever captured the first
 * could revoke (and so tombstone for good) another grant. v2 frames the string and allows no body on GET or DELETE.
 */

interface Answer {
  status: number;
  body: { error?: { code: string }; state?: string };
}

/** A raw request, so the method may carry a body (fetch refuses a body on GET). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url + path, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const now = () => Math.floor(Date.now() / 1000);

describeWith('postgres', 'the signing string cannot serve two requests (PostgreSQL target)', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let connector: TestConnector;

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    connector = await startTestConnector({ targets: [fixture.target] });
  });

  afterAll(async () => {
    await connector?.stop();
    await fixture?.cleanup();
  });

  it('a captured DELETE …/X.1 signature does not revoke X when the rest moves into the body', async () => {
    const victim = `SG-${uniqueSuffix()}`;
    const timestamp = now();
    const captured = signRequest(SECRET, { timestamp, method: 'DELETE', pathWithQuery: `/v1/grants/${victim}.1`, body: '' });
    // The very forgery v1 accepted: its signing string is the same bytes as the captured request's.
    const v1 = (path: string, body: string) => createHmac('sha256', SECRET).update(`${timestamp}.DELETE.${path}.${body}`).digest('hex');
    expect(v1(`/v1/grants/${victim}`, '1.')).toBe(v1(`/v1/grants/${victim}.1`, ''));

    expect(await send(connector.url, 'DELETE', `/v1/grants/${victim}`, captured, '1.')).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await send(connector.url, 'GET', `/v1/grants/${victim}`, signRequest(SECRET, { timestamp, method: 'GET', pathWithQuery: `/v1/grants/${victim}`, body: '' }))).toMatchObject({
      status: 404,
    });
  });

  it('GET and DELETE with a body are refused with 400, even when the body is signed', async () => {
    const path = `/v1/grants/SG-${uniqueSuffix()}`;
    for (const method of ['GET', 'DELETE']) {
      const headers = signRequest(SECRET, { timestamp: now(), method, pathWithQuery: path, body: '{}' });
      expect(await send(connector.url, method, path, headers, '{}')).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    }
  });

  it('a v1 signature is not accepted', async () => {
    const timestamp = now();
    const v1 = 'v1=' + createHmac('sha256', SECRET).update(`${timestamp}.GET./v1/targets.`).digest('hex');
    expect(await send(connector.url, 'GET', '/v1/targets', { 'x-jit-timestamp': String(timestamp), 'x-jit-signature': v1 })).toMatchObject({
      status: 401,
      body: { error: { code: 'bad_signature' } },
    });
  });

  it('health and metrics stay unsigned', async () => {
    expect((await fetch(`${connector.url}/v1/health`)).status).toBe(200);
    expect((await fetch(`${connector.url}/metrics`)).status).toBe(200);
  });
});
