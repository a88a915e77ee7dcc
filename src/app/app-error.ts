/** Stable codes of the app's boundary; resolvers return them to the UI, handlers log them. */
export type AppErrorCode =
  | 'forbidden'
  | 'invalid_payload'
  | 'not_found'
  | 'not_configured'
  | 'conflict'
  | 'jira_error'
  | 'jira_rate_limited'
  | 'connector_error'
  | 'webhook_error'
  | 'invalid_state';

/** The one error type of src/app. `context` carries only non-secret facts. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
