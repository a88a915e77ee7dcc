/** A KVS failure as the storage service reports it: an HTTP status and a `{code, message}` body. */
export class KvsError extends Error {
  override readonly name = 'KvsError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A transaction refused because a condition did not hold. Neither @forge/kvs (1.6.5) nor Forge's storage
 * error pages name a code for this, so the emulator answers without one: @forge/kvs then raises its
 * `ForgeKvsAPIError` with its fallback code `UNKNOWN_ERROR`, and only an app that does not rely on a code
 * for a lost race passes.
 */
export class TransactionConditionFailed extends Error {
  override readonly name = 'TransactionConditionFailed';
  readonly status = 409;

  constructor(readonly keys: readonly string[]) {
    super(`Transaction conditions failed for ${keys.join(', ')}`);
  }
}
