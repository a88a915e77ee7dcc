/** Stable codes of the domain core; callers branch on `code`, never on the message. */
export type CoreErrorCode =
  | 'invalid_duration'
  | 'invalid_settings'
  | 'illegal_transition'
  | 'invalid_grant_record'
  | 'record_too_large'
  | 'credential_already_revealed'
  | 'secret_detected';

/** The one error type thrown by src/core. `context` carries only non-secret facts about the failure. */
export class CoreError extends Error {
  override readonly name = 'CoreError';

  constructor(
    readonly code: CoreErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCoreError(error: unknown, code?: CoreErrorCode): error is CoreError {
  return error instanceof CoreError && (code === undefined || error.code === code);
}
