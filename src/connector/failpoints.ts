/**
 * Crash points for the crash-safety tests: `failpoint(name)` kills the process at once with SIGKILL when the
 * environment variable JIT_CONNECTOR_FAILPOINTS (a comma-separated list) names it, so a test can stop the
 * connector between two steps of a grant or a revocation exactly as a power cut would. Unset (always, in
 * production) it costs one lookup in an empty set.
 *
 * - `grant.after-intent`: the ledger holds the grant as `granting`; the database is not touched yet.
 * - `grant.after-driver`: the login exists on the database; the ledger still says `granting`.
 * - `grant.after-outcome`: the ledger says `active` (or `pending`); the answer has not been sent.
 * - `revoke.after-intent`: the ledger says `revoking`; the database is not touched yet.
 * - `revoke.after-driver`: the database confirmed the revocation; the ledger still says `revoking`.
 * - `revoke.after-outcome`: the ledger says `revoked` (or `expired`); nothing logged or reported yet.
 *
 * The revoke points fire for every revocation: on DELETE and when the scheduler expires a grant.
 */
export const FAILPOINTS = ['grant.after-intent', 'grant.after-driver', 'grant.after-outcome', 'revoke.after-intent', 'revoke.after-driver', 'revoke.after-outcome'] as const;

export type Failpoint = (typeof FAILPOINTS)[number];

const armed = new Set(
  (process.env.JIT_CONNECTOR_FAILPOINTS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
);

export function failpoint(name: Failpoint): void {
  if (armed.size > 0 && armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
