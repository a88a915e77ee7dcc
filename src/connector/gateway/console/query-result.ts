import type { Refusal } from '../guards/check-guards';

/** At most this many rows come back from one statement run through `POST /v1/grants/{id}/query`. */
export const MAX_QUERY_ROWS = 500;

/** The database refused the statement: its SQLSTATE and message, for the 422 answer and the record. */
export class StatementRefused extends Error {
  override readonly name = 'StatementRefused';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The level's guards or masking refused the statement: the database never ran it. */
export class StatementBlocked extends Error {
  override readonly name = 'StatementBlocked';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** Keeps the first MAX_QUERY_ROWS rows of a result as they stream in, and counts the rest. */
export class RowCollector {
  readonly rows: (string | null)[][] = [];
  count = 0;

  add(row: (string | null)[]): void {
    this.count += 1;
    if (this.rows.length < MAX_QUERY_ROWS) this.rows.push(row);
  }

  get truncated(): boolean {
    return this.count > this.rows.length;
  }
}
