import { decodeProtectedHeader } from 'jose';
import { runAs } from '../../src/connector/drivers/pglite';
import { waitFor } from '../connector/support/harness';
import { installApp, type AppUnderTest } from './support/install-app';
import { readTicket, raise, resolve, resolveOk } from './support/ticket';
import { z } from 'zod';

jest.setTimeout(60_000);

const credentialSchema = z.object({ username: z.string(), password: z.string(), connect: z.object({ host: z.string(), port: z.number(), database: z.string() }), notAfter: z.string() });

describe('auto-approved read-only access: request, policy, grant, use, expiry', () => {
  let app: AppUnderTest;
  const logs: string[] = [];
  beforeAll(async () => {
    app = await installApp();
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.stop();
  });

  it('grants at once, reveals the password once to the requester only, and ends access when the window closes', async () => {
    const { site } = app;
    const { requester, requester2 } = site.people;
    const appCalls = () => site.jsm.calls.count({ identity: 'app' });
    const callsBefore = appCalls();
    const key = await raise(site, app.ids, requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT4S', justification: 'INC-88 slow checkout' });

    const granted = await readTicket(site, key);
    expect(granted.status).toBe('Access granted');
    expect(granted.property).toMatchObject({ state: 'active', target: 'demo', accessLevel: 'read-only', role: 'read', rule: { id: 'read-only-dev' }, grantId: `${key}.1` });
    expect(granted.internal.join('\n')).toContain('Rule: Read-only on dev is automatic (read-only-dev).');
    expect(granted.internal.join('\n')).toContain('policy-approved: requested → approved');
    expect(granted.internal.join('\n')).toContain('grant-succeeded: granting → active');
    // demo is an embedded (PGlite) target: no client reaches it, so the comment says so.
    expect(granted.public).toEqual([
      expect.stringMatching(/^Access to demo is active until .* UTC\.\nThe embedded demo database demo on target demo has no network address: no database client reaches it \(login jit_\w+\)\.$/),
    ]);

    // Before the reveal, secret storage holds the grant's private key and the connector's sealed answer, never a password.
    const kept = z
      .strictObject({ grantId: z.literal(`${key}.1`), privateKey: z.object({ crv: z.literal('X25519'), d: z.string() }), sealed: z.string() })
      .parse(site.runtime.inspect.secretsForTests()[`credential:${key}`]);
    expect(decodeProtectedHeader(kept.sealed)).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM' });

    const other = await resolve(site, requester2, 'revealCredential', {}, key);
    expect(other).toEqual({ ok: false, error: { code: 'forbidden', message: 'This action needs one of these roles: requester.' } });
    const beforeReveal = appCalls();
    const credential = credentialSchema.parse(await resolveOk(site, requester, 'revealCredential', {}, key));
    const revealCalls = appCalls() - beforeReveal;
    expect(credential.username).toMatch(/^jit_/);
    const again = await resolve(site, requester, 'revealCredential', {}, key);
    expect(again.ok).toBe(false);
    expect(site.runtime.inspect.secretsForTests()[`credential:${key}`]).toBeUndefined();
    expect((await readTicket(site, key)).property).toMatchObject({ credential: { revealedAt: expect.any(String) } });

    const db = await app.demoDatabase();
    const used = await runAs(db, credential.username, 'SELECT count(*)::int AS n FROM shop.orders');
    expect(used.rows).toEqual([{ n: 6 }]);

    const ended = await waitFor(async () => {
      const view = await readTicket(site, key);
      return view.status === 'Access expired' ? view : undefined;
    }, 15_000, 200);
    expect(ended.property).toMatchObject({ state: 'expired' });
    // The first lifecycle of a fresh install (no transition id cached yet) stays within 12 Jira calls; the
    // reveal (one property write) is the requester's doing, not the lifecycle's.
    expect(appCalls() - callsBefore - revealCalls).toBeLessThanOrEqual(12);
    expect(ended.internal.join('\n')).toContain('expired: active → expired');
    expect(ended.public[ended.public.length - 1]).toBe('Access to demo has ended. If you need it again, raise a new request.');
    await expect(runAs(db, credential.username, 'SELECT 1')).rejects.toMatchObject({ code: 'not_a_managed_login' });
    const status = await app.connector.client.getGrant(`${key}.1`);
    expect(status.state).toBe('expired');

    // The password is nowhere but (briefly) secret storage: not in comments, properties, storage, events or logs.
    const everything = JSON.stringify([await readTicket(site, key), site.runtime.inspect.kvs(), site.jsm.admin.emittedEvents, logs, site.appCalls]);
    expect(everything).not.toContain(credential.password);
    expect(JSON.stringify(site.runtime.inspect.secretsForTests())).not.toContain(credential.password);
  });
});
