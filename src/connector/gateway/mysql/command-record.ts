import type { StatementRecord } from '../statement-record';
import { statementRecord, type ParsedStatement, type RecordMode, type StatementOutcome } from '../statement-pipeline';
import type { AnswerListener } from './answer-follower';

/** Where a session's statements go, and what each record carries of the session. */
export interface RecordSink {
  session: string;
  mode: RecordMode;
  record: (statement: StatementRecord) => void;
  clock: { now: () => Date; monotonic: () => number };
}

/** What a command's record is made of: its text, its statements as parsed, an execution's parameters. */
export interface RecordedCommand {
  sql: string;
  statements: readonly ParsedStatement[] | undefined;
  params: (string | null)[] | undefined;
}

/**
 * Records one command's statements as their results complete: each statement of a text once, a CALL's several
 * results added up to its one. It follows a relayed answer itself (an AnswerListener), so that a command costs the
 * session one object.
 */
export class CommandRecord implements AnswerListener {
  private index = 0;
  private startedAt = performance.now();

  constructor(
    private readonly sink: RecordSink,
    private readonly command: RecordedCommand,
  ) {}

  /** A result is complete; `last`: the answer ends with it. */
  add(outcome: Pick<StatementOutcome, 'rows' | 'error'>, last: boolean): void {
    const { sql, statements, params } = this.command;
    if (!last && (statements === undefined || this.index + 1 >= statements.length)) return;
    const finishedAt = performance.now();
    const { sink } = this;
    sink.record(statementRecord({ session: sink.session, mode: sink.mode, statement: statements?.[this.index], raw: sql, params, outcome: { ...outcome, startedAt: this.startedAt, finishedAt } }, sink.clock));
    this.index += 1;
    this.startedAt = finishedAt;
  }

  result(result: { rows: number; more: boolean }): void {
    this.add({ rows: result.rows, error: null }, !result.more);
  }

  error(error: { sqlState: string; message: string }): void {
    this.add({ rows: null, error: { code: error.sqlState, message: error.message } }, true);
  }

  /** The session ended while the command ran (revoke, expiry, a lost database session), with this SQLSTATE. */
  cut(code: string): void {
    this.add({ rows: null, error: { code } }, true);
  }
}
