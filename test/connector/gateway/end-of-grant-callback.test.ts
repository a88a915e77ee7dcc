import { mkdirSync, renameSync, rmdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../../src/protocol';
import { inSeconds, SECRET, waitFor } from '../support/harness';
import { describeWith } from '../../support/servers';
import { gatewayConnector, principal } from './support';

describeWith('postgres', 'SQL gateway: the end-of-grant callback carries the digest', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;
  let callbackServer: Server;
  const callbacks: { body: Record<string, unknown>; verified: boolean }[] = [];

  beforeAll(async () => {
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
    env = await gatewayConnector(adminUrl, { callback: { url: `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/x1/callback` } });
  });

  afterAll(async () => {
    await env?.stop();
    await new Promise((resolve) => callbackServer.close(resolve));
  });

  it('reports an expired gateway grant with the digest of exactly what ran, literals nowhere in the body', async () => {
    const orders = `${env.fixture.schema}.orders`;
    const created = await env.grant('GW-CB.1', { notAfter: inSeconds(4) });
    const first = await env.connect(created.username, created.password);
    await first.query(`SELECT total FROM ${orders} WHERE id = 1`);
    await first.query(`INSERT INTO ${orders} VALUES (918273645, 564738291)`);
    await first.query('SELECT * FROM no_such_table_here').catch(() => undefined);
    const second = await env.connect(created.username, created.password);
    await second.query(`UPDATE ${orders} SET total = 564738292 WHERE id = $1`, [918273645]);
    await second.query(`DELETE FROM ${orders} WHERE id = 918273645`).catch(() => undefined);
    const { body: page } = await env.activity('GW-CB.1');
    expect(page.statements).toHaveLength(5);

    const callback = await waitFor(async () => callbacks.find((entry) => entry.body.grantId === 'GW-CB.1'), 20_000);
    const status = await env.connector.client.getGrant('GW-CB.1');
    expect(callback).toEqual({
      verified: true,
      body: {
        grantId: 'GW-CB.1',
        state: 'expired',
        revokedAt: status.revokedAt,
        reason: 'expired',
        activity: {
          sessions: 2,
          statements: 5,
          byKind: { read: 2, write: 3, ddl: 0, other: 0 },
          tables: [orders, 'no_such_table_here'].sort(),
          blocked: 0,
          errors: 2,
          first: page.statements[0]?.at,
          last: page.statements[4]?.at,
        },
      },
    });
    expect(JSON.stringify(callback.body)).not.toMatch(/918273645|56473829[12]/);
    await Promise.all([first.end().catch(() => undefined), second.end().catch(() => undefined)]);
  }, 30_000);

  it('reports an expired grant on a direct target without an activity digest', async () => {
    await env.connector.client.createGrant({ grantId: 'GW-CB.2', target: env.direct.id, role: 'read', principal, mode: 'ephemeral', notAfter: inSeconds(2), ticket: 'SD-1', reason: 'test' });
    const callback = await waitFor(async () => callbacks.find((entry) => entry.body.grantId === 'GW-CB.2'), 20_000);
    expect(callback.verified).toBe(true);
    expect(callback.body).not.toHaveProperty('activity');
    expect(callback.body).toMatchObject({ grantId: 'GW-CB.2', state: 'expired', reason: 'expired' });
  }, 30_000);

  it('holds the callback back while the activity record cannot be read, then sends it with the digest', async () => {
    const created = await env.grant('GW-CB.3', { notAfter: inSeconds(2) });
    const client = await env.connect(created.username, created.password);
    await client.query(`SELECT count(*) FROM ${env.fixture.schema}.orders`);
    expect((await env.activity('GW-CB.3')).body.statements).toHaveLength(1);
    // The embedded ledger's record made unreadable: its path is a directory for a while.
    const record = join(env.connector.dataDir, 'ledger', 'activity.jsonl');
    renameSync(record, `${record}.away`);
    mkdirSync(record);
    try {
      const held = await waitFor(async () => {
        const grant = await env.connector.context.ledger.get('GW-CB.3');
        // Revoked (attempt 1), then the callback held back and rescheduled with the backoff.
        return grant?.state === 'expired' && grant.nextAttemptAt !== null ? grant : undefined;
      }, 20_000);
      expect(held).toMatchObject({ callbackPending: true, attempts: 2 });
      expect(callbacks.some((entry) => entry.body.grantId === 'GW-CB.3')).toBe(false);
    } finally {
      rmdirSync(record);
      renameSync(`${record}.away`, record);
    }
    const callback = await waitFor(async () => callbacks.find((entry) => entry.body.grantId === 'GW-CB.3'), 20_000);
    expect(callback.verified).toBe(true);
    expect(callback.body).toMatchObject({ grantId: 'GW-CB.3', state: 'expired', activity: { sessions: 1, statements: 1, byKind: { read: 1, write: 0, ddl: 0, other: 0 } } });
    await client.end().catch(() => undefined);
  }, 40_000);
});
