import { PostgresLedger } from '../../../src/connector/ledger/postgres-ledger';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';
import { record } from './fixtures';

describeWith('postgres', 'PostgresLedger', (url) => {
  let database: ScratchDatabase;
  let ledgerUrl: string;

  beforeAll(async () => {
    database = await createScratchDatabase(url, 'jit_ledger');
    ledgerUrl = database.url;
  });
  afterAll(() => database?.drop());

  it('stores, updates and lists records; insert is create-only', async () => {
    const ledger = await PostgresLedger.open(ledgerUrl);
    expect(await ledger.insert(record('A'))).toBe(true);
    expect(await ledger.insert(record('A', { state: 'failed' }))).toBe(false);
    await ledger.update(record('A', { state: 'revoked' }));
    expect((await ledger.get('A'))?.state).toBe('revoked');
    expect(await ledger.list(['active'])).toEqual([]);
    await expect(ledger.update(record('missing'))).rejects.toThrow(/no grant missing/);
    await ledger.close();
  });

  it('two replicas claiming at once split due work with no grant claimed twice', async () => {
    const [a, b] = await Promise.all([PostgresLedger.open(ledgerUrl), PostgresLedger.open(ledgerUrl)]);
    const now = new Date('2026-11-21T12:00:00Z');
    for (let i = 0; i < 200; i += 1) await a.insert(record(`due-${i}`, { notAfter: '2026-11-21T11:59:00.000Z' }));
    const claims = await Promise.all([a.claimDue(now, 120, 'a', 30_000), b.claimDue(now, 120, 'b', 30_000), a.claimDue(now, 120, 'a', 30_000)]);
    const ids = claims.flat().map((r) => r.grantId);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    // Leases hold until released or expired: nothing more to claim now, everything again after the lease.
    expect(await b.claimDue(now, 500, 'b', 30_000)).toEqual([]);
    expect(await b.claimDue(new Date(now.getTime() + 31_000), 500, 'b', 30_000)).toHaveLength(200);
    await Promise.all([a.close(), b.close()]);
  });
});
