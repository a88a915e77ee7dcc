import { Pool } from 'pg';
import { z } from 'zod';
import { statementRecordSchema, type StatementRecord } from '../statement-record';
import type { ActivityLog } from './activity-log';
import { BatchedAppender, RECORD_BATCH } from './batched-appender';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jit_connector_activity (
  seq       bigserial PRIMARY KEY,
  grant_id  text NOT NULL,
  statement jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS jit_connector_activity_grant ON jit_connector_activity (grant_id, seq);
`;

const rowSchema = z.object({ seq: z.coerce.number().int(), statement: statementRecordSchema });
const SCAN_PAGE = 1000;

/**
 * The shared ledger's activity record: one row per statement, so every replica's gateway writes to one record. A
 * batch (RECORD_BATCH) is one INSERT, and batches go one after another, so `seq` follows the order of `append`.
 */
export class PostgresActivityLog implements ActivityLog {
  private readonly rows: BatchedAppender<{ grantId: string; statement: string }>;

  private constructor(private readonly pool: Pool) {
    this.rows = new BatchedAppender(async (rows) => {
      try {
        await pool.query(
          'INSERT INTO jit_connector_activity (grant_id, statement) SELECT grant_id, statement FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS batch (grant_id, statement, n) ORDER BY n',
          [rows.map((row) => row.grantId), rows.map((row) => row.statement)],
        );
      } catch {
        // One row the server refuses (jsonb takes no \u0000) must not cost the record the rest of its batch.
        return insertEach(pool, rows);
      }
    }, RECORD_BATCH);
  }

  static async open(url: string): Promise<PostgresActivityLog> {
    const pool = new Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    await pool.query(SCHEMA);
    return new PostgresActivityLog(pool);
  }

  append(grantId: string, statement: StatementRecord): Promise<void> {
    return this.rows.add({ grantId, statement: JSON.stringify(statement) });
  }

  async scan(grantId: string, visit: (statement: StatementRecord) => void): Promise<void> {
    await this.rows.settled();
    // Read in pages by sequence, so a long record is never held in memory whole.
    for (let after = 0; ; ) {
      const result = await this.pool.query('SELECT seq, statement FROM jit_connector_activity WHERE grant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [grantId, after, SCAN_PAGE]);
      for (const row of result.rows) {
        const parsed = rowSchema.parse(row);
        visit(parsed.statement);
        after = parsed.seq;
      }
      if (result.rows.length < SCAN_PAGE) return;
    }
  }

  async close(): Promise<void> {
    await this.rows.settled();
    await this.pool.end();
  }
}

/** Inserts the rows one by one, in order: each row's failure, undefined for a row written. */
async function insertEach(pool: Pool, rows: readonly { grantId: string; statement: string }[]): Promise<(Error | undefined)[]> {
  const failures: (Error | undefined)[] = [];
  for (const row of rows) {
    failures.push(
      await pool.query('INSERT INTO jit_connector_activity (grant_id, statement) VALUES ($1, $2)', [row.grantId, row.statement]).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
    );
  }
  return failures;
}
