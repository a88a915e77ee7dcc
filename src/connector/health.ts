import type { Health } from '../protocol';
import type { DatabaseClock } from './scheduler/database-clock';
import type { Targets } from './targets';

/** Grants whose revocation the database has not confirmed yet, per target (retried; the login holds nothing). */
export type PendingRevocations = () => Promise<ReadonlyMap<string, number>>;

/**
 * What `GET /v1/health` and `--check` report: each target, reachable or not, with every problem that keeps it
 * from working fully (unreachable, its clock against the connector's, no database-side expiry). One problem
 * anywhere makes the whole `degraded`, and so does a revocation the database has not confirmed yet.
 */
export async function connectorHealth(targets: Targets, clock: DatabaseClock, pendingRevocations?: PendingRevocations): Promise<Health> {
  const pending = (await pendingRevocations?.()) ?? new Map<string, number>();
  const entries = await Promise.all(
    [...targets.values()].map(async ({ config, driver }) => {
      const { reachable, problems = [] } = await driver.health({});
      const skew = clock.problem(config.id);
      const revoking = pending.get(config.id) ?? 0;
      const unconfirmed = revoking > 0 ? [`revocation unconfirmed: ${revoking} grant(s) still revoking, retried`] : [];
      return { id: config.id, reachable, problems: [...(reachable ? [] : ['unreachable']), ...problems, ...(skew ? [skew] : []), ...unconfirmed] };
    }),
  );
  return { status: entries.every((entry) => entry.problems.length === 0) ? 'ok' : 'degraded', targets: entries };
}
