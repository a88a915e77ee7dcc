import type { Logger } from '../log';
import type { DriverFactory, Engine } from '../drivers/driver';
import { connectorHealth } from '../health';
import { DatabaseClock } from '../scheduler/database-clock';
import { closeTargets, openTargets } from '../targets';
import type { ConnectorConfig } from './schema';

/**
 * What `--check` adds to a valid config: it connects to every target as the connector would and reports what
 * health would (unreachable, clock skew, no database-side expiry), one line per problem. These are warnings:
 * the connector starts with them, degraded.
 */
export async function checkTargets(config: ConnectorConfig, factories: Record<Engine, DriverFactory>, log: Logger): Promise<string[]> {
  // An embedded PGlite target is opened by the connector itself; there is no server to look at.
  const targets = openTargets(config.targets.filter((target) => target.engine !== 'pglite'), factories, log);
  try {
    const clock = new DatabaseClock(targets, () => new Date(), log);
    await clock.measure();
    const health = await connectorHealth(targets, clock);
    return health.targets.flatMap((target) => target.problems.map((problem) => `${target.id}: ${problem}`));
  } finally {
    await closeTargets(targets);
  }
}
