import type { ErrorCode } from '../protocol';

const STATUS: Record<ErrorCode, number> = {
  missing_signature: 401,
  bad_signature: 401,
  stale_timestamp: 401,
  replayed_request: 401,
  payload_too_large: 413,
  bad_request: 400,
  unknown_target: 422,
  unknown_role: 422,
  grant_conflict: 409,
  grant_revoked: 409,
  not_found: 404,
  no_activity_record: 404,
  grant_not_active: 409,
  statement_refused: 422,
  method_not_allowed: 405,
  target_unavailable: 503,
  internal: 500,
};

/** The connector's one error type at its HTTP boundary: a stable code, a status, a message that says what to do. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS[code];
  }
}
