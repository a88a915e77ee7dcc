import type { ConnectInfo } from '../protocol';
import { connectInfo } from './config/load-config';
import type { TargetConfig } from './config/schema';
import type { Driver, DriverFactory, Engine } from './drivers/driver';
import type { Logger } from './log';

export interface Target {
  readonly config: TargetConfig;
  readonly driver: Driver;
  readonly connect: ConnectInfo;
}

export type Targets = ReadonlyMap<string, Target>;

export function openTargets(configs: readonly TargetConfig[], factories: Record<Engine, DriverFactory>, log: Logger, gateway?: { host: string; port: number }): Targets {
  return new Map(
    configs.map((config) => {
      const driver = factories[config.engine].create(
        { id: config.id, url: config.url, owner: config.owner, marker: config.marker, seed: config.seed, access: config.roles },
        log.child({ target: config.id }),
      );
      return [config.id, { config, driver, connect: requesterConnect(config, gateway) }];
    }),
  );
}

/** A gateway target's requesters connect to the gateway's endpoint, for the target's database. */
function requesterConnect(config: TargetConfig, gateway: { host: string; port: number } | undefined): ConnectInfo {
  const direct = connectInfo(config);
  return config.access === 'gateway' && gateway ? { host: gateway.host, port: gateway.port, database: direct.database } : direct;
}

/** How long shutdown waits for the drivers to close their connections. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Closes every driver, waiting at most CLOSE_TIMEOUT_MS: closing a connection politely waits for the server's
 * answer, and a database that went silent (a network partition drops packets, it does not refuse them) would
 * otherwise hold a SIGTERM open forever. Returns false when it gave up waiting.
 */
export async function closeTargets(targets: Targets): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
  });
  const closed = Promise.allSettled([...targets.values()].map((target) => target.driver.close())).then(() => true);
  try {
    return await Promise.race([closed, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
