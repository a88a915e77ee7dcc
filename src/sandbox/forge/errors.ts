/** Every failure the emulator itself raises carries one of these stable codes. */
export type ForgeEmulatorErrorCode =
  | 'MANIFEST_INVALID'
  | 'HANDLER_NOT_FOUND'
  | 'MODULE_NOT_FOUND'
  | 'UNKNOWN_SEAM_CALL'
  | 'SEAM_MISMATCH'
  | 'OUTSIDE_INVOCATION'
  | 'INVOCATION_CUT_OFF'
  | 'UNSUPPORTED'
  | 'VERSION_MISMATCH';

export class ForgeEmulatorError extends Error {
  override readonly name = 'ForgeEmulatorError';

  constructor(
    readonly code: ForgeEmulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An app function failed: it threw, timed out, or returned something its module kind does not accept. */
export class ForgeInvocationError extends Error {
  override readonly name = 'ForgeInvocationError';

  constructor(
    readonly code: 'FUNCTION_ERR' | 'FUNCTION_TIME_OUT' | 'INVALID_RESPONSE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
