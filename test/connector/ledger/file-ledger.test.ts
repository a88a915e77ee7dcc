import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLedger } from '../../../src/connector/ledger/file-ledger';
import { record } from './fixtures';

const dir = () => mkdtempSync(join(tmpdir(), 'jit-ledger-'));

describe('FileLedger', () => {
  it('keeps every record across a reopen and ignores a line torn by a crash', async () => {
    const path = dir();
    const ledger = FileLedger.open(path);
    expect(await ledger.insert(record('A'))).toBe(true);
    expect(await ledger.insert(record('A'))).toBe(false);
    await ledger.update(record('A', { state: 'revoked', revokedAt: '2026-11-21T11:00:00.000Z' }));
    await ledger.insert(record('B'));
    await ledger.close();
    appendFileSync(join(path, 'grants.jsonl'), '{"grantId":"C","state":"act');

    const reopened = FileLedger.open(path);
    expect((await reopened.get('A'))?.state).toBe('revoked');
    expect((await reopened.list(['active'])).map((r) => r.grantId)).toEqual(['B']);
    expect(await reopened.get('C')).toBeUndefined();
    await reopened.close();
  });

  it('writes are on disk when the promise resolves (nothing buffered in the process)', async () => {
    const path = dir();
    const ledger = FileLedger.open(path);
    await Promise.all([ledger.insert(record('A')), ledger.insert(record('B')), ledger.insert(record('C'))]);
    const lines = readFileSync(join(path, 'grants.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).grantId).sort()).toEqual(['A', 'B', 'C']);
    await ledger.close();
  });

  it('refuses a second holder of the same directory, and frees it at close', async () => {
    const path = dir();
    const ledger = FileLedger.open(path);
    expect(() => FileLedger.open(path)).toThrow(/is in use by another process/);
    await ledger.close();
    await FileLedger.open(path).close();
  });

  it('claims due work once per lease: expired actives, retries that are due, pending callbacks', async () => {
    const ledger = FileLedger.open(dir());
    const now = new Date('2026-11-21T12:00:00Z');
    await ledger.insert(record('due', { notAfter: '2026-11-21T11:59:59.000Z' }));
    await ledger.insert(record('later', { notAfter: '2026-11-21T12:00:01.000Z' }));
    await ledger.insert(record('retry-due', { state: 'revoking', nextAttemptAt: '2026-11-21T11:59:00.000Z' }));
    await ledger.insert(record('retry-later', { state: 'revoking', nextAttemptAt: '2026-11-21T12:01:00.000Z' }));
    await ledger.insert(record('report', { state: 'expired', callbackPending: true }));
    await ledger.insert(record('done', { state: 'expired' }));
    const first = await ledger.claimDue(now, 10, 'me', 30_000);
    expect(first.map((r) => r.grantId).sort()).toEqual(['due', 'report', 'retry-due']);
    expect(await ledger.claimDue(now, 10, 'me', 30_000)).toEqual([]);
    await ledger.release('due', 'me');
    expect((await ledger.claimDue(now, 10, 'me', 30_000)).map((r) => r.grantId)).toEqual(['due']);
    await ledger.close();
  });

  it('compacts a long log into one line per record', async () => {
    const path = dir();
    const ledger = FileLedger.open(path);
    await ledger.insert(record('A'));
    for (let i = 0; i < 1200; i += 1) await ledger.update(record('A', { attempts: i }));
    await ledger.close();
    const lines = readFileSync(join(path, 'grants.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(300);
    const reopened = FileLedger.open(path);
    expect((await reopened.get('A'))?.attempts).toBe(1199);
    await reopened.close();
  });
});
