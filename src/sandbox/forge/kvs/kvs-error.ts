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
