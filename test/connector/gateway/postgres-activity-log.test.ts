import { PostgresActivityLog } from '../../../src/connector/gateway/activity/postgres-activity-log';
import type { StatementRecord } from '../../../src/connector/gateway/statement-record';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';

const record = (rows: number, sql = 'SELECT $1'): StatementRecord => ({ at: '2026-11-30T00:00:00.000Z', session: 's1', kind: 'read', sql, tables: [], rows, ms: 0.1, blocked: null, error: null });

describeWith('postgres', 'PostgresActivityLog (the shared ledger\'s record)', (adminUrl) => {
  let scratch: ScratchDatabase;
  let log: PostgresActivityLog;

  beforeAll(async () => {
    scratch = await createScratchDatabase(adminUrl, 'jit_activity');
    log = await PostgresActivityLog.open(scratch.url);
  });
  afterAll(async () => {
    await log.close();
    await scratch.drop();
  });

  it('keeps the order of append across batches written together', async () => {
    await Promise.all(Array.from({ length: 2500 }, (_, index) => log.append('G-ORDER', record(index))));
    const seen: (number | null)[] = [];
    await log.scan('G-ORDER', (statement) => seen.push(statement.rows));
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, index) => index));
  });

  it('loses only the row the server refuses, not the rest of its batch', async () => {
    const outcomes = await Promise.all(
      [0, 1, 2, 3].map((index) => log.append('G-NUL', record(index, index === 2 ? 'SELECT \u0000' : 'SELECT $1')).then(() => 'written', () => 'refused')),
    );
    expect(outcomes).toEqual(['written', 'written', 'refused', 'written']);
    const seen: (number | null)[] = [];
    await log.scan('G-NUL', (statement) => seen.push(statement.rows));
    expect(seen).toEqual([0, 1, 3]);
  });
});
