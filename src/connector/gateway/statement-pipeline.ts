import type { Logger } from '../log';
import type { ActivityLog } from './activity/activity-log';
import type { StatementKind, StatementRecord } from './statement-record';

/** How a target's statements are recorded: literals replaced by placeholders, or as they were sent. */
export type RecordMode = 'normalized' | 'full';

/** One statement of a query string, as the engine's grammar reads it (each front end has its own parser). */
export interface ParsedStatement {
  kind: StatementKind;
  tables: string[];
  /** The statement's own text, literals included. */
  text: string;
  /** The text with every literal replaced by a placeholder. */
  normalized: string;
}

/** How a statement ended, as its front end read the database's answer. */
export interface StatementOutcome {
  /** Rows returned or affected; null when the answer carries no count. */
  rows: number | null;
  /** The SQLSTATE, and the server's message, of a statement that failed (or of the session's end while it ran). */
  error: { code: string; message?: string | undefined } | null;
  /** When it started and finished, on the monotonic clock (ms). */
  startedAt: number;
  finishedAt: number;
}

export interface StatementRun {
  session: string;
  mode: RecordMode;
  /** What the parser read; undefined when the text did not parse. */
  statement: ParsedStatement | undefined;
  /** The text as the client sent it (recorded in full mode when it did not parse). */
  raw: string;
  /** Bound parameters of a prepared statement's execution, as text. */
  params?: (string | null)[] | undefined;
  /** The guard (or `masking`) that refused it: the database never ran it. */
  blocked?: string | undefined;
  outcome: StatementOutcome;
}

/**
 * The one place that decides what the record keeps of a statement, for every front end (PostgreSQL and MySQL
 * wire): normalized text unless the target records in full, parameters and error messages in full mode only.
 * Front ends parse (classify) before they relay, read the outcome from the database's answer, and call this.
 */
export function statementRecord(run: StatementRun, clock: { now: () => Date; monotonic: () => number }): StatementRecord {
  const { statement, outcome } = run;
  const full = run.mode === 'full';
  const error = outcome.error && (full && outcome.error.message !== undefined ? `${outcome.error.code} ${outcome.error.message}` : outcome.error.code);
  return {
    at: new Date(clock.now().getTime() - (clock.monotonic() - outcome.startedAt)).toISOString(),
    session: run.session,
    kind: statement?.kind ?? 'other',
    sql: full ? (statement?.text ?? run.raw) : (statement?.normalized ?? null),
    tables: statement?.tables ?? [],
    rows: outcome.rows,
    ms: Math.round((outcome.finishedAt - outcome.startedAt) * 1000) / 1000,
    blocked: run.blocked ?? null,
    error,
    ...(full && run.params ? { params: run.params } : {}),
  };
}

/** Appends a session's records to the grant's activity log; a failed write is logged, never thrown into the session. */
export function activityRecorder(activity: ActivityLog, log: Logger, grantId: string): (statement: StatementRecord) => void {
  return (statement) => {
    activity.append(grantId, statement).catch((error: unknown) => {
      log.error({ event: 'gateway.record_failed', grantId, error: (error as Error).message });
    });
  };
}
