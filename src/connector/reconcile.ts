import type { GrantContext } from './grants/context';
import { cleanupRecord, managedRef, revokeRecord } from './grants/revocation';
import { LIVE_STATES, type GrantRecord } from './ledger/record';
import type { Target } from './targets';

/**
 * Start-up reconciliation between the ledger and the databases, so a crash at any point of a grant or a
 * revocation settles: a managed login with no live grant is revoked; a live grant whose login is gone is
 * marked revoked; a grant cut off mid-creation is cleaned up.
 *
 * Order matters with several replicas: logins are listed before the ledger is read, and a grant is inserted
 * in the ledger before its login is created, so any login seen here has its record already.
 */
export async function reconcile(context: GrantContext): Promise<void> {
  const startedAt = context.now();
  const listings = new Map<string, Set<string>>();
  for (const [id, target] of context.targets) {
    try {
      const { logins } = await target.driver.listManaged({});
      listings.set(id, new Set(logins.map((login) => login.name)));
    } catch (error) {
      context.log.warn({ event: 'reconcile.target_unreachable', target: id, error: (error as Error).message });
    }
  }
  const records = await context.ledger.list();

  if (context.ledger.exclusive) {
    for (const record of records.filter((candidate) => candidate.state === 'granting')) await cleanupRecord(context, record);
    // Cut off mid-revocation by a crash: finish now rather than when the in-flight guard runs out.
    for (const record of records.filter((candidate) => candidate.state === 'revoking' && candidate.nextAttemptAt === null)) {
      await revokeRecord(context, record, 'requested');
    }
  }

  const byName = new Map(records.filter((record) => record.name).map((record) => [`${record.target}/${record.name}`, record]));
  for (const [id, names] of listings) {
    const target = context.targets.get(id) as Target;
    for (const name of names) {
      const record = byName.get(`${id}/${name}`);
      if (record && (LIVE_STATES.includes(record.state) || record.needsCleanup)) continue;
      await revokeOrphan(context, target, name, record);
    }
  }

  for (const record of records) {
    const names = listings.get(record.target);
    const settledBefore = Date.parse(record.updatedAt) < startedAt.getTime();
    if (!names || !settledBefore || (record.state !== 'active' && record.state !== 'pending') || names.has(record.name)) continue;
    const now = context.now().toISOString();
    await context.ledger.update({ ...record, state: 'revoked', revokedAt: now, revokeReason: 'login_missing', callbackPending: true, updatedAt: now });
    context.log.warn({ event: 'reconcile.login_missing', grantId: record.grantId, target: record.target });
  }
}

async function revokeOrphan(context: GrantContext, target: Target, name: string, record: GrantRecord | undefined): Promise<void> {
  try {
    const ref = record ? managedRef(record, context) : { name, mode: 'ephemeral' as const, access: { memberOf: [], privileges: [] } };
    await target.driver.revoke(ref);
    const { remaining } = await target.driver.verifyRevoked(ref);
    if (remaining.length > 0) throw new Error(`still on the database: ${remaining.join('; ')}`);
    context.metrics.revocations.inc({ target: target.config.id, reason: 'reconciled' });
    context.log.warn({ event: 'reconcile.orphan_revoked', target: target.config.id, login: name, grantId: record?.grantId ?? null });
  } catch (error) {
    context.log.error({ event: 'reconcile.orphan_revoke_failed', target: target.config.id, login: name, error: (error as Error).message });
  }
}
