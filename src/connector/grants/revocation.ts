import { DriverError, type ManagedRef } from '../drivers/driver';
import { failpoint } from '../failpoints';
import type { GrantRecord } from '../ledger/record';
import { retryDelayMs } from './backoff';
import type { GrantContext } from './context';

/** Why access ended: asked for (DELETE), `notAfter` passed, or found at start-up with no live grant. */
export type RevokeReason = 'requested' | 'expired' | 'reconciled';

export function managedRef(record: GrantRecord, context: GrantContext): ManagedRef {
  const access = context.targets.get(record.target)?.config.roles[record.role];
  if (!access) throw new DriverError('failed', `grant ${record.grantId} names target ${record.target} role ${record.role}, which the config no longer has`, false);
  return { name: record.name, mode: record.mode, dbUser: record.dbUser ?? undefined, access: { memberOf: [...access.memberOf], privileges: [...access.privileges] } };
}

function requireDriver(context: GrantContext, record: GrantRecord) {
  const target = context.targets.get(record.target);
  if (!target) throw new DriverError('failed', `target ${record.target} is not in the config`, false);
  return target.driver;
}

async function driverRevoke(context: GrantContext, record: GrantRecord) {
  return requireDriver(context, record).revoke(managedRef(record, context));
}

/** Throws unless the database shows nothing of the grant is left. */
async function confirmGone(context: GrantContext, record: GrantRecord): Promise<void> {
  const { remaining } = await requireDriver(context, record).verifyRevoked(managedRef(record, context));
  if (remaining.length > 0) throw new DriverError('failed', `still on the database: ${remaining.join('; ')}`, true);
}

/** Whether the database shows nothing of a grant whose creation failed before anything was made. */
export async function nothingLeft(context: GrantContext, record: GrantRecord): Promise<boolean> {
  return (await requireDriver(context, record).verifyRevoked(managedRef(record, context))).remaining.length === 0;
}

function failure(context: GrantContext, record: GrantRecord, operation: string, error: unknown) {
  const retryable = error instanceof DriverError && error.retryable;
  const code = error instanceof DriverError ? error.code : 'failed';
  context.metrics.failures.inc({ target: record.target, operation, retryable: String(retryable) });
  context.log.warn({ event: `grant.${operation}_failed`, grantId: record.grantId, target: record.target, code, retryable, attempts: record.attempts });
  return {
    retryable,
    lastError: `${code}: ${(error as Error).message}`,
    nextAttemptAt: retryable ? new Date(context.now().getTime() + retryDelayMs(record.attempts)).toISOString() : null,
  };
}

/**
 * Ends a grant's access. The ledger says `revoking` before the database is touched and `revoked`/`expired`
 * only after the driver did it and the database shows nothing of the grant is left. Any failure leaves
 * `revoking` with the next attempt scheduled (a revocation is never given up: what blocks it, say an object
 * the login made in a database the admin may not enter, is the operator's to fix while the login stays
 * disabled), so a revocation is never reported before it happened.
 */
export async function revokeRecord(context: GrantContext, record: GrantRecord, reason: RevokeReason): Promise<GrantRecord> {
  const revokeReason = record.state === 'revoking' && record.revokeReason ? record.revokeReason : reason;
  const attempt: GrantRecord = { ...record, state: 'revoking', revokeReason, attempts: record.attempts + 1, updatedAt: context.now().toISOString() };
  await context.ledger.update(attempt);
  failpoint('revoke.after-intent');
  try {
    // The gateway closes its sessions itself before the login goes, and the grant's credential stops working.
    await context.gateway?.end(record.grantId);
    const result = await driverRevoke(context, attempt);
    await confirmGone(context, attempt);
    failpoint('revoke.after-driver');
    const endedAt = context.now();
    const expired = revokeReason === 'expired';
    const done: GrantRecord = {
      ...attempt,
      state: expired ? 'expired' : 'revoked',
      revokedAt: endedAt.toISOString(),
      updatedAt: endedAt.toISOString(),
      nextAttemptAt: null,
      lastError: null,
      // The app hears of revocations it did not ask for, and of a requested one it was told is still `revoking`.
      callbackPending: revokeReason !== 'requested' || attempt.attempts > 1,
    };
    await context.ledger.update(done);
    failpoint('revoke.after-outcome');
    context.metrics.revocations.inc({ target: record.target, reason: revokeReason });
    if (expired && record.notAfter) context.metrics.revocationLag.observe(Math.max(0, endedAt.getTime() - Date.parse(record.notAfter)) / 1000);
    context.log.info({ event: 'grant.revoked', grantId: record.grantId, target: record.target, reason: revokeReason, existed: result.existed, sessionsTerminated: result.sessionsTerminated });
    return done;
  } catch (error) {
    const { lastError } = failure(context, attempt, 'revoke', error);
    const nextAttemptAt = new Date(context.now().getTime() + retryDelayMs(attempt.attempts)).toISOString();
    const pending: GrantRecord = { ...attempt, state: 'revoking', lastError, nextAttemptAt, updatedAt: context.now().toISOString() };
    await context.ledger.update(pending);
    return pending;
  }
}

/** Removes what a failed or cut-off grant may have left on the database; the grant stays `failed`. */
export async function cleanupRecord(context: GrantContext, record: GrantRecord): Promise<GrantRecord> {
  const attempt: GrantRecord = { ...record, state: 'failed', needsCleanup: true, attempts: record.attempts + 1, updatedAt: context.now().toISOString() };
  await context.ledger.update(attempt);
  try {
    await driverRevoke(context, attempt);
    await confirmGone(context, attempt);
    const clean: GrantRecord = { ...attempt, needsCleanup: false, nextAttemptAt: null, updatedAt: context.now().toISOString() };
    await context.ledger.update(clean);
    context.log.info({ event: 'grant.cleaned_up', grantId: record.grantId, target: record.target });
    return clean;
  } catch (error) {
    const { retryable, nextAttemptAt } = failure(context, attempt, 'cleanup', error);
    const pending: GrantRecord = { ...attempt, needsCleanup: retryable, nextAttemptAt, updatedAt: context.now().toISOString() };
    await context.ledger.update(pending);
    return pending;
  }
}
