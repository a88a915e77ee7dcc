import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';
import { spawnConnector, writeConfig, type ConnectorProcess } from '../crash/connector-process';
import { TcpProxy } from '../crash/tcp-proxy';
import { inSeconds, postgresFixture, waitFor } from '../support/harness';

describeWith('postgres', 'a DELETE on one replica while another is expiring the same grant', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let dir: string;
  let proxy: TcpProxy;
  let ledgerDatabase: ScratchDatabase;
  const processes: ConnectorProcess[] = [];

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    dir = mkdtempSync(join(tmpdir(), 'jit-replica-race-'));
    proxy = await TcpProxy.start('127.0.0.1', Number(new URL(adminUrl).port || 5432));
    ledgerDatabase = await createScratchDatabase(adminUrl, 'jit_ledger');
  });

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGKILL')));
    await proxy?.close();
    await ledgerDatabase?.drop();
    await fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the lease, answers revoking, and the grant is revoked once', async () => {
    const viaProxy = new URL(adminUrl);
    viaProxy.port = String(proxy.port);
    // The same target for both; replica A reaches it through a proxy the test holds still.
    const a = await spawnConnector(writeConfig(dir, { ledger: ledgerDatabase.url, targets: [{ ...fixture.target, url: viaProxy.toString() }] }, 'a.yaml'));
    processes.push(a);
    const created = await a.client.createGrant({ grantId: 'RX-1', target: fixture.target.id, role: 'read', principal: { accountId: 'acc-race' }, notAfter: inSeconds(1) });
    proxy.pause();
    // A's scheduler has recorded the expiry and is held in the database, lease in hand.
    await waitFor(async () => ((await a.client.getGrant('RX-1')).state === 'revoking' ? true : undefined));

    const b = await spawnConnector(writeConfig(dir, { ledger: ledgerDatabase.url, targets: [fixture.target] }, 'b.yaml'));
    processes.push(b);
    expect(await b.client.revokeGrant('RX-1')).toEqual({ grantId: 'RX-1', state: 'revoking' });
    expect(await fixture.managedCount()).toBe(1);

    proxy.resume();
    const status = await waitFor(async () => {
      const current = await b.client.getGrant('RX-1');
      return current.state === 'expired' ? current : undefined;
    });
    expect(status).toMatchObject({ username: created.username, revokeReason: 'expired' });
    expect(await fixture.managedCount()).toBe(0);
    expect(await b.client.revokeGrant('RX-1')).toEqual({ grantId: 'RX-1', state: 'revoked', revokedAt: status.revokedAt });

    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    const revoked = [...a.logs, ...b.logs].filter((line) => line.event === 'grant.revoked');
    expect(revoked).toEqual([expect.objectContaining({ grantId: 'RX-1', reason: 'expired', existed: true })]);
    expect(a.logs.filter((line) => line.event === 'grant.revoked')).toHaveLength(1);
  });
});
