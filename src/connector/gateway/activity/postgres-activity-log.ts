import { Pool } from 'pg';
import { z } from 'zod';
import { statementRecordSchema, type StatementRecord } from '../statement-record';
import type { ActivityLog } from './activity-log';

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

/** The shared ledger's activity record: one row per statement, so every replica's gateway writes to one record. */
export class PostgresActivityLog implements ActivityLog {
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(private readonly pool: Pool) {}

  static async open(url: string): Promise<PostgresActivityLog> {
    const pool = new Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    await pool.query(SCHEMA);
    return new PostgresActivityLog(pool);
  }

  append(grantId: string, statement: StatementRecord): Promise<void> {
    const insert = this.pool.query('INSERT INTO jit_connector_activity (grant_id, statement) VALUES ($1, $2)', [grantId, JSON.stringify(statement)]);
    this.inFlight.add(insert);
    void insert.finally(() => this.inFlight.delete(insert)).catch(() => undefined);
    return insert.then(() => undefined);
  }

  async scan(grantId: string, visit: (statement: StatementRecord) => void): Promise<void> {
    await this.settled();
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
    await this.settled();
    await this.pool.end();
  }

  private async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
