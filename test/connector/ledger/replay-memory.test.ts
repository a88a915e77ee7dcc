import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedger } from '../../../src/connector/ledger/file-ledger';
import type { Ledger } from '../../../src/connector/ledger/ledger';
import { PostgresLedger } from '../../../src/connector/ledger/postgres-ledger';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';
import { record } from './fixtures';

const now = new Date('2026-11-21T12:00:00Z');
const until = new Date(now.getTime() + 301_000);
const afterWindow = new Date(until.getTime() + 1_000);

/** The replay memory both ledgers keep: once per key within its window, across reopening and between openers. */
async function remembersOnce(open: () => Promise<Ledger>, second: () => Promise<Ledger>): Promise<void> {
  const ledger = await open();
  expect(await ledger.rememberRequest('k1', until, now)).toBe(true);
  expect(await ledger.rememberRequest('k1', until, now)).toBe(false);
  expect(await ledger.rememberRequest('k2', until, now)).toBe(true);
  await ledger.insert(record('A'));
  await ledger.close();

  const other = await second();
  expect(await other.rememberRequest('k1', until, now)).toBe(false);
  expect((await other.get('A'))?.grantId).toBe('A');
  // Past its window a key is free again (the timestamp it came with is stale by then anyway).
  expect(await other.rememberRequest('k1', new Date(afterWindow.getTime() + 301_000), afterWindow)).toBe(true);
  await other.close();
}

describe('FileLedger replay memory', () => {
  it('keeps accepted requests across a restart, beside the grants', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-replay-ledger-'));
    try {
      await remembersOnce(async () => FileLedger.open(dir), async () => FileLedger.open(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWith('postgres', 'PostgresLedger replay memory', (url) => {
  let database: ScratchDatabase;
  beforeAll(async () => {
    database = await createScratchDatabase(url, 'jit_ledger');
  });
  afterAll(() => database?.drop());

  it('shares accepted requests between replicas and across restarts', async () => {
    await remembersOnce(() => PostgresLedger.open(database.url), () => PostgresLedger.open(database.url));
  });

  it('lets exactly one of two replicas accept the same request at once', async () => {
    const [a, b] = await Promise.all([PostgresLedger.open(database.url), PostgresLedger.open(database.url)]);
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? a : b).rememberRequest('race', until, now)));
    expect(verdicts.filter(Boolean)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });
});
