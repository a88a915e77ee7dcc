import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../../src/protocol';
import { describeWith } from '../../support/servers';
import { spawnConnector, writeConfig, type ConnectorProcess } from '../crash/connector-process';
import { inSeconds, postgresFixture, SECRET } from '../support/harness';

const RUNS = 200;
const GRANT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const PLAIN_NAME = /^[a-z_][a-z0-9_$]*$/;

/** Names built to break naive SQL or naive parsers: quotes, semicolons, NUL, unicode, 200 characters. */
const NASTY = [
  `'; DROP ROLE postgres; --`,
  `x"; DROP TABLE orders; --`,
  `Robert'); DROP TABLE students;--`,
  '"',
  "'",
  ';',
  '\\',
  '\0',
  'a\0b',
  '$1',
  '%s%n',
  '../../etc/passwd',
  'é'.repeat(200),
  '日本語のロール',
  '🔥'.repeat(40),
  'x'.repeat(200),
  `${'y'.repeat(63)}"`,
  '__proto__',
  'constructor',
  ' ',
  '',
];
const nastyChar = fc.constantFrom(...`'";\\ \0\n\t%$-_.:aZ9é日🔥\u202e\uffff`.split(''), '🔥');
const hostileString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: nastyChar, minLength: 1, maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

/**
 * Whether `target` (after the URL rules the server applies: dot segments, percent-decoding) names a real
 * endpoint with valid arguments, where a 2xx answer is right: GET /v1/grants, a tombstone by DELETE, …
 */
function isRealRequest(target: string): boolean {
  const url = new URL(`http://connector${target}`);
  if (/^\/(v1\/(grants|targets|health)|metrics)$/.test(url.pathname)) return true;
  const id = /^\/v1\/grants\/([^/]+)(\/extend)?$/.exec(url.pathname)?.[1];
  try {
    return id !== undefined && GRANT_ID.test(decodeURIComponent(id));
  } catch {
    return false;
  }
}

interface Answer {
  status: number;
  body: string;
}

describeWith('postgres', 'connector under hostile input (property-based)', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let dir: string;
  let connector: ConnectorProcess;
  let managedBefore: number;
  let timestampOffset = 0;
  let serial = 0;
  const namesTried = new Set<string>();

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    dir = mkdtempSync(join(tmpdir(), 'jit-hostile-'));
    connector = await spawnConnector(writeConfig(dir, { ledger: `file:${join(dir, 'ledger')}`, targets: [fixture.target] }));
    // One real grant creates the marker role, so nothing below has a reason to touch the database.
    await connector.client.createGrant({ grantId: 'HX-0', target: fixture.target.id, role: 'read', principal: { accountId: 'a' }, notAfter: inSeconds(600) });
    await connector.client.revokeGrant('HX-0');
    managedBefore = await fixture.managedCount();
  });

  afterAll(async () => {
    await connector?.stop('SIGKILL');
    await fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh timestamp per request (within the 300 s window), so no signature is refused as a replay. */
  const timestamp = () => Math.floor(Date.now() / 1000) - (timestampOffset++ % 250);

  async function send(method: string, path: string, body: string, headers: Record<string, string>): Promise<Answer> {
    const response = await fetch(connector.url + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body } : {}) });
    return { status: response.status, body: await response.text() };
  }

  const signedPost = (body: string) => send('POST', '/v1/grants', body, signRequest(SECRET, { timestamp: timestamp(), method: 'POST', pathWithQuery: '/v1/grants', body }));

  /** A 4xx with the protocol's JSON error body. */
  function expectRefused(answer: Answer): void {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  }

  /** Sends a raw request line, so the path reaches the server byte for byte; returns the status and body. */
  function rawRequest(method: string, path: string, headers: Record<string, string>): Promise<Answer> {
    const { hostname, port } = new URL(connector.url);
    const head = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close', 'content-length: 0', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
        resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
      });
      socket.write(head.join('\r\n') + '\r\n\r\n', 'latin1');
    });
  }

  const validBody = () => ({
    grantId: `HX-${++serial}`,
    target: fixture.target.id,
    role: 'read',
    principal: { accountId: 'acc-hostile', email: 'ana@example.com', dbUser: null as string | null },
    mode: 'ephemeral',
    notAfter: inSeconds(600),
  });

  it('random JSON and random text as a grant body: 4xx, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('', 'null', '[]', '{}', '{"__proto__":{"x":1}}')), async (body) => {
        expectRefused(await signedPost(body));
      }),
      { numRuns: RUNS },
    );
  });

  it('hostile identifiers in grantId, target, role and principal: 4xx, nothing created', async () => {
    const field = fc.constantFrom('grantId', 'target', 'role', 'dbUser', 'accountId', 'email');
    const hostileDbUser = hostileString.filter((name) => !PLAIN_NAME.test(name));
    await fc.assert(
      fc.asyncProperty(field, hostileString, hostileDbUser, async (which, value, dbUser) => {
        const body = validBody();
        // Every variant is invalid or names a login that does not exist, so none may be granted.
        if (which === 'grantId') body.grantId = GRANT_ID.test(value) ? `${value.slice(0, 60)}'` : value;
        else if (which === 'target') body.target = value === fixture.target.id ? `${value};` : value;
        else if (which === 'role') body.role = value === 'read' || value === 'write' ? `${value}"` : value;
        else {
          body.mode = 'existing-login';
          body.principal.dbUser = dbUser;
          namesTried.add(dbUser);
          if (which === 'accountId') body.principal.accountId = value;
          if (which === 'email') body.principal.email = value;
        }
        if (which !== 'grantId') namesTried.add(value);
        expectRefused(await signedPost(JSON.stringify(body)));
      }),
      { numRuns: RUNS },
    );
  });

  it('random signature and timestamp headers on a request that would otherwise grant: 401', async () => {
    const headerValue = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 150 });
    const signature = fc.oneof(
      headerValue,
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 64, maxLength: 64 }).map((hex) => `v1=${hex}`),
      fc.array(fc.string({ unit: fc.constantFrom(...'0123456789abcdefv1=,'.split('')), maxLength: 70 }), { maxLength: 5 }).map((parts) => parts.join(',')),
    );
    const stamp = fc.oneof(headerValue, fc.integer().map(String), fc.constantFrom('NaN', '1e10', '-0', '0x10', String(Number.MAX_SAFE_INTEGER), '9'.repeat(40)));
    await fc.assert(
      fc.asyncProperty(fc.option(stamp), fc.option(signature), async (timestampHeader, signatureHeader) => {
        const body = JSON.stringify(validBody());
        const headers: Record<string, string> = {};
        if (timestampHeader !== null) headers['x-jit-timestamp'] = timestampHeader;
        if (signatureHeader !== null) headers['x-jit-signature'] = signatureHeader;
        const answer = await send('POST', '/v1/grants', body, headers);
        expectRefused(answer);
        expect(answer.status).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it('random signed paths and methods: 4xx, never a server error', async () => {
    const pathChar = fc.constantFrom(...`abcXYZ019._:-/%?=&#'";@\\~!$()*+,[]{}|^\``.split(''));
    const encodedUnicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encodeURIComponent);
    const badEscape = fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '%00', '%FF%FE', '%u0041', '%%');
    const tail = fc.array(fc.oneof(fc.string({ unit: pathChar, minLength: 1, maxLength: 30 }), encodedUnicode, badEscape), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    const path = fc.oneof(
      tail.map((rest) => `/v1/grants/${rest}`),
      tail.map((rest) => `/v1/grants/${rest}/extend`),
      tail.map((rest) => `/v1/${rest}`),
      tail.map((rest) => `/v1/grants?state=${rest}`),
      tail.map((rest) => `/${rest}`),
    );
    const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(method, path, async (verb, target) => {
        fc.pre(!isRealRequest(target));
        const headers = signRequest(SECRET, { timestamp: timestamp(), method: verb, pathWithQuery: target, body: '' });
        const answer = await rawRequest(verb, target, headers);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it('afterwards the same process still serves, and the database is as it was', async () => {
    expect(connector.child.exitCode).toBeNull();
    expect(await connector.client.health()).toEqual({ status: 'ok', targets: [{ id: fixture.target.id, reachable: true, problems: [] }] });
    expect(await fixture.managedCount()).toBe(managedBefore);
    const { rows } = await fixture.admin.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])', [[...namesTried].filter((name) => !name.includes('\0'))]);
    expect(rows).toEqual([]);
    expect((await fixture.admin.query(`SELECT count(*)::int AS n FROM ${fixture.schema}.orders`)).rows[0].n).toBe(2);
    const errors = connector.logs.filter((line) => line.event === 'http.unexpected_error');
    expect(errors).toEqual([]);
  });
});
