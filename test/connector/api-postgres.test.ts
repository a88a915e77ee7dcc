import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'pg';
import { ConnectorRequestError, signRequest, verifySignature } from '../../src/protocol';
import { describeWith } from '../support/servers';
import { inSeconds, postgresFixture, SECRET, startTestConnector, waitFor, type TestConnector } from './support/harness';

const principal = { accountId: 'acc-ana', email: 'ana@example.com', dbUser: null };
/** A public X25519 key (RFC 7748's example) for raw requests that must pass the schema; nobody opens what is sealed to it. */
const credentialKey = { kty: 'OKP', crv: 'X25519', x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo' };

async function raw(connector: TestConnector, method: string, path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(connector.url + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body } : {}) });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

function signed(method: string, path: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  return signRequest(SECRET, { timestamp, method, pathWithQuery: path, body });
}

describeWith('postgres', 'connector API on PostgreSQL', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let connector: TestConnector;
  let callbackServer: Server;
  const database = new URL(adminUrl).pathname.slice(1);
  const callbacks: { body: Record<string, unknown>; verified: boolean }[] = [];

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    callbackServer = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const verdict = verifySignature({
          secrets: [SECRET],
          timestampHeader: request.headers['x-jit-timestamp'] as string,
          signatureHeader: request.headers['x-jit-signature'] as string,
          method: 'POST',
          pathWithQuery: request.url ?? '',
          body,
          nowSeconds: Math.floor(Date.now() / 1000),
        });
        callbacks.push({ body: JSON.parse(body), verified: verdict.ok });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    const port = (callbackServer.address() as AddressInfo).port;
    connector = await startTestConnector({ targets: [fixture.target], callback: { url: `http://127.0.0.1:${port}/x1/callback` } });
  });

  afterAll(async () => {
    await connector?.stop();
    await new Promise((resolve) => callbackServer.close(resolve));
    await fixture?.cleanup();
  });

  const grant = (grantId: string, changes: Record<string, unknown> = {}) =>
    connector.client.createGrant({ grantId, target: fixture.target.id, role: 'read', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test', ...changes });

  it('grants a login that can do what its level allows and nothing more, then revokes it for good', async () => {
    const created = await grant('SD-1.1');
    expect(created).toMatchObject({ grantId: 'SD-1.1', state: 'active', connect: { host: '127.0.0.1', port: 5432, database } });
    expect(created.username).toMatch(/^jit_sd_1_1_[a-z2-7]{6}$/);
    const session = await fixture.login(created.username, created.password!);
    expect((await session.query(`SELECT count(*)::int AS n FROM ${fixture.schema}.orders`)).rows[0].n).toBe(2);
    await expect(session.query(`INSERT INTO ${fixture.schema}.orders VALUES (3, 30)`)).rejects.toMatchObject({ code: '42501' });

    expect(await connector.client.revokeGrant('SD-1.1')).toMatchObject({ grantId: 'SD-1.1', state: 'revoked' });
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await expect(fixture.login(created.username, created.password!)).rejects.toMatchObject({ code: expect.stringMatching(/^28/) });
    expect(await connector.client.getGrant('SD-1.1')).toMatchObject({ state: 'revoked', username: created.username, revokeReason: 'requested' });
    await expect(grant('SD-1.1')).rejects.toMatchObject({ status: 409, code: 'grant_revoked' });
    expect(await connector.client.revokeGrant('SD-1.1')).toMatchObject({ state: 'revoked' });
  });

  it('answers a repeat with the same login and the same sealed credential, rotating nothing; a changed body is a conflict', async () => {
    const first = await grant('SD-2.1');
    const again = await grant('SD-2.1', { notAfter: undefined as unknown as string }).catch((error: ConnectorRequestError) => error);
    expect(again).toMatchObject({ status: 400 });
    const body = { grantId: 'SD-2.1', target: fixture.target.id, role: 'read', principal, mode: 'ephemeral' as const, notAfter: (await connector.client.getGrant('SD-2.1')).notAfter! };
    const repeat = await connector.client.createGrant({ ...body, ticket: 'SD-1', reason: 'test' });
    expect(repeat.username).toBe(first.username);
    expect(repeat.credential).toBe(first.credential);
    expect(repeat.password).toBe(first.password);
    const session = await fixture.login(first.username, first.password!);
    await session.end();
    await expect(connector.client.createGrant({ ...body, role: 'write', ticket: 'SD-1', reason: 'test' })).rejects.toMatchObject({ status: 409, code: 'grant_conflict' });
    await connector.client.revokeGrant('SD-2.1');
  });

  it('expires access at notAfter with no DELETE: login refused, open session ended, app told', async () => {
    const created = await grant('SD-3.1', { notAfter: inSeconds(2), role: 'write' });
    const session: Client = await fixture.login(created.username, created.password!);
    await session.query(`INSERT INTO ${fixture.schema}.orders VALUES (30, 1)`);
    const status = await waitFor(async () => {
      const current = await connector.client.getGrant('SD-3.1');
      return current.state === 'expired' ? current : undefined;
    });
    expect(Date.parse(status.revokedAt!) - Date.parse(created.notAfter)).toBeLessThan(1500);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await expect(fixture.login(created.username, created.password!)).rejects.toMatchObject({ code: expect.stringMatching(/^28/) });
    const callback = await waitFor(async () => callbacks.find((entry) => entry.body.grantId === 'SD-3.1'));
    expect(callback).toEqual({ verified: true, body: { grantId: 'SD-3.1', state: 'expired', revokedAt: status.revokedAt, reason: 'expired' } });
  });

  it('extends the end later, never earlier', async () => {
    const created = await grant('SD-4.1', { notAfter: inSeconds(60) });
    const later = inSeconds(3600);
    expect(await connector.client.extendGrant('SD-4.1', later)).toMatchObject({ state: 'active', notAfter: new Date(later).toISOString() });
    const { rows } = await fixture.admin.query('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [created.username]);
    expect(rows[0].rolvaliduntil.toISOString()).toBe(new Date(later).toISOString());
    await expect(connector.client.extendGrant('SD-4.1', inSeconds(30))).rejects.toMatchObject({ status: 400, code: 'bad_request' });
    await expect(connector.client.extendGrant('SD-none', later)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await connector.client.revokeGrant('SD-4.1');
  });

  it('leaves a tombstone for an unknown grantId, so it can never be granted afterwards', async () => {
    expect(await connector.client.revokeGrant('SD-5.1')).toMatchObject({ grantId: 'SD-5.1', state: 'revoked' });
    await expect(grant('SD-5.1')).rejects.toMatchObject({ status: 409, code: 'grant_revoked' });
    expect(await fixture.managedCount()).toBe(0);
  });

  it('lists grants by state and reports targets and health without secrets', async () => {
    await grant('SD-6.1');
    const active = await connector.client.listGrants('active');
    expect(active.grants.map((g) => g.grantId)).toEqual(['SD-6.1']);
    expect(JSON.stringify(active)).not.toMatch(/password/);
    const targets = await connector.client.targets();
    expect(targets.targets).toEqual([{ id: fixture.target.id, engine: 'postgres', environment: 'prod', roles: ['read', 'write'], connect: { host: '127.0.0.1', port: 5432, database } }]);
    expect(JSON.stringify(targets)).not.toContain('postgres://');
    expect(await connector.client.health()).toEqual({ status: 'ok', targets: [{ id: fixture.target.id, reachable: true, problems: [] }] });
    const metrics = await (await fetch(connector.url + '/metrics')).text();
    expect(metrics).toMatch(new RegExp(`jit_active_grants\\{target="${fixture.target.id}"\\} 1`));
    expect(metrics).toMatch(/jit_revocation_lag_seconds_count 1/);
    await connector.client.revokeGrant('SD-6.1');
  });

  describe('refuses with nothing done', () => {
    const body = () => JSON.stringify({ grantId: 'SD-9.1', target: fixture.target.id, role: 'read', principal, credentialKey, notAfter: inSeconds(600) });
    let before: number;
    beforeEach(async () => {
      before = await fixture.managedCount();
    });
    afterEach(async () => {
      expect(await fixture.managedCount()).toBe(before);
      expect(await connector.client.getGrant('SD-9.1').catch((error: ConnectorRequestError) => error.code)).toBe('not_found');
    });

    it.each([
      ['a missing signature', () => ({}), 401, 'missing_signature'],
      ['a wrong signature', () => ({ 'x-jit-timestamp': String(Math.floor(Date.now() / 1000)), 'x-jit-signature': 'v2=' + 'a'.repeat(64) }), 401, 'bad_signature'],
      ['a stale timestamp', () => signed('POST', '/v1/grants', body(), Math.floor(Date.now() / 1000) - 301), 401, 'stale_timestamp'],
    ])('%s', async (_label, headers, status, code) => {
      const text = body();
      const reply = await raw(connector, 'POST', '/v1/grants', text, headers());
      expect(reply).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
    });

    it('a replayed request', async () => {
      const path = '/v1/grants/SD-9.2';
      const headers = signed('GET', path, '');
      expect((await raw(connector, 'GET', path, '', headers)).status).toBe(404);
      expect(await raw(connector, 'GET', path, '', headers)).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    });

    it.each([
      ['malformed JSON', '{"grantId":', 400, 'bad_request'],
      ['a body that misses fields', '{"grantId":"SD-9.1"}', 400, 'bad_request'],
      ['an unknown field', JSON.stringify({ ...JSON.parse('{}'), grantId: 'SD-9.1', target: 'x', role: 'read', principal, notAfter: inSeconds(60), extra: 1 }), 400, 'bad_request'],
      ['a notAfter in the past', JSON.stringify({ grantId: 'SD-9.1', target: 'demo', role: 'read', principal, credentialKey, notAfter: '2020-01-01T00:00:00Z' }), 422, 'unknown_target'],
      ['an unknown target', JSON.stringify({ grantId: 'SD-9.1', target: 'nope', role: 'read', principal, credentialKey, notAfter: inSeconds(60) }), 422, 'unknown_target'],
      ['an unknown role', 'ROLE', 422, 'unknown_role'],
      ['a body over 64 KiB', 'BIG', 413, 'payload_too_large'],
    ])('%s', async (_label, given, status, code) => {
      const text =
        given === 'ROLE'
          ? JSON.stringify({ grantId: 'SD-9.1', target: fixture.target.id, role: 'admin', principal, credentialKey, notAfter: inSeconds(60) })
          : given === 'BIG'
            ? JSON.stringify({ grantId: 'SD-9.1', target: fixture.target.id, role: 'read', principal, credentialKey, notAfter: inSeconds(60), reason: 'x'.repeat(70_000) })
            : given;
      const reply = await raw(connector, 'POST', '/v1/grants', text, signed('POST', '/v1/grants', text));
      expect(reply).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
    });

    it('a notAfter in the past on a real target', async () => {
      const text = JSON.stringify({ grantId: 'SD-9.1', target: fixture.target.id, role: 'read', principal, credentialKey, notAfter: '2020-01-01T00:00:00Z' });
      const reply = await raw(connector, 'POST', '/v1/grants', text, signed('POST', '/v1/grants', text));
      expect(reply).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: 'notAfter must be in the future' } } });
    });
  });
});
