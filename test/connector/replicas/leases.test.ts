import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { FileLedger } from '../../../src/connector/ledger/file-ledger';
import type { Ledger } from '../../../src/connector/ledger/ledger';
import { PostgresLedger } from '../../../src/connector/ledger/postgres-ledger';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';
import { record } from '../ledger/fixtures';

const now = new Date('2026-11-21T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const LEASE = 2_000;

/** The lease rules both ledgers keep; `pair` gives two handles on one ledger (two replicas, or one process twice). */
function leaseRules(open: () => Promise<{ a: Ledger; b: Ledger; close: () => Promise<void> }>) {
  let a: Ledger;
  let b: Ledger;
  let close: () => Promise<void>;
  beforeEach(async () => ({ a, b, close } = await open()));
  afterEach(() => close());

  it('a grant someone works on is neither acquired nor claimed by anyone else until the lease runs out', async () => {
    await a.insert(record('in-flight', { state: 'revoking' }));
    expect(await a.acquire('in-flight', 'api-a', now, LEASE)).toBe(true);
    expect(await b.acquire('in-flight', 'api-b', now, LEASE)).toBe(false);
    expect(await a.acquire('in-flight', 'api-a', now, LEASE)).toBe(false);
    expect(await b.claimDue(later(1_000), 10, 'scheduler-b', LEASE)).toEqual([]);
    // Its holder died: the revocation it left `revoking` is due to the next replica as soon as the lease is over.
    expect((await b.claimDue(later(LEASE), 10, 'scheduler-b', LEASE)).map((claimed) => claimed.grantId)).toEqual(['in-flight']);
  });

  it('a live holder keeps its lease by renewing it; releasing hands it on at once', async () => {
    await a.insert(record('slow', { notAfter: '2026-11-21T11:59:00.000Z' }));
    expect((await a.claimDue(now, 10, 'scheduler-a', LEASE)).map((claimed) => claimed.grantId)).toEqual(['slow']);
    await a.renew('scheduler-a', later(1_500), LEASE);
    expect(await b.claimDue(later(3_000), 10, 'scheduler-b', LEASE)).toEqual([]);
    expect(await b.acquire('slow', 'api-b', later(3_000), LEASE)).toBe(false);
    await a.release('slow', 'scheduler-a');
    expect(await b.acquire('slow', 'api-b', later(3_000), LEASE)).toBe(true);
  });

  it('acquire is false for a grant the ledger does not have', async () => {
    expect(await a.acquire('nowhere', 'api-a', now, LEASE)).toBe(false);
  });
}

describe('leases on the file ledger (one process: API and scheduler share it)', () => {
  leaseRules(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-leases-'));
    const ledger = FileLedger.open(join(dir, 'ledger'));
    return {
      a: ledger,
      b: ledger,
      close: async () => {
        await ledger.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describeWith('postgres', 'leases on the PostgreSQL ledger (two replicas)', (url) => {
  let database: ScratchDatabase;
  let ledgerUrl: string;

  beforeAll(async () => {
    database = await createScratchDatabase(url, 'jit_leases');
    ledgerUrl = database.url;
  });
  afterAll(() => database?.drop());

  leaseRules(async () => {
    const [a, b] = await Promise.all([PostgresLedger.open(ledgerUrl), PostgresLedger.open(ledgerUrl)]);
    return {
      a,
      b,
      close: async () => {
        await Promise.all([a.close(), b.close()]);
        const ledgerDb = new Client({ connectionString: ledgerUrl });
        await ledgerDb.connect();
        await ledgerDb.query('TRUNCATE jit_connector_grants');
        await ledgerDb.end();
      },
    };
  });
});
