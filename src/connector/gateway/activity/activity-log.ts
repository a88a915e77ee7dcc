import type { StatementRecord } from '../statement-record';

/**
 * What was run under each gateway grant, kept beside the ledger (the same directory or the same database), in the
 * order the statements completed.
 */
export interface ActivityLog {
  /** Records one statement. Reads that start after this call see it. */
  append(grantId: string, statement: StatementRecord): Promise<void>;
  /** Every statement of the grant, in order. */
  all(grantId: string): Promise<StatementRecord[]>;
  close(): Promise<void>;
}
