export type RunAsErrorCode = 'not_a_managed_login' | 'login_expired' | 'role_change_refused';

/** runAs refused to run a statement; errors from the statement itself are PGlite's, with their SQLSTATE. */
export class RunAsError extends Error {
  override readonly name = 'RunAsError';
  constructor(
    readonly code: RunAsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
