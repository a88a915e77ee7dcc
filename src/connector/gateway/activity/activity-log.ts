import type { StatementRecord } from '../statement-record';

/**
 * What was run under each gateway grant, kept beside the ledger (the same directory or the same database), in the
 * order the statements completed.
 */
export interface ActivityLog {
  /** Records one statement. Reads that start after this call see it. */
  append(grantId: string, statement: StatementRecord): Promise<void>;
  /** Visits every statement of the grant, in order, without holding the record in memory. */
  scan(grantId: string, visit: (statement: StatementRecord) => void): Promise<void>;
  close(): Promise<void>;
}
