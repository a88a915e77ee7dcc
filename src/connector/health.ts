import type { Health } from '../protocol';
import type { DatabaseClock } from './scheduler/database-clock';
import type { Targets } from './targets';

/**
 * What `GET /v1/health` and `--check` report: each target, reachable or not, with every problem that keeps it
 * from working fully (unreachable, its clock against the connector's, no database-side expiry). One problem
 * anywhere makes the whole `degraded`.
 */
export async function connectorHealth(targets: Targets, clock: DatabaseClock): Promise<Health> {
  const entries = await Promise.all(
    [...targets.values()].map(async ({ config, driver }) => {
      const { reachable, problems = [] } = await driver.health({});
      const skew = clock.problem(config.id);
      return { id: config.id, reachable, problems: [...(reachable ? [] : ['unreachable']), ...problems, ...(skew ? [skew] : [])] };
    }),
  );
  return { status: entries.every((entry) => entry.problems.length === 0) ? 'ok' : 'degraded', targets: entries };
}
