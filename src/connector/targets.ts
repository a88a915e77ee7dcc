import type { ConnectInfo } from '../protocol';
import { connectInfo } from './config/load-config';
import type { TargetConfig } from './config/schema';
import type { Driver, DriverFactory, Engine } from './drivers/driver';
import type { GatewayEndpoints } from './gateway/gateway';
import type { Logger } from './log';

export interface Target {
  readonly config: TargetConfig;
  readonly driver: Driver;
  readonly connect: ConnectInfo;
}

export type Targets = ReadonlyMap<string, Target>;

export function openTargets(configs: readonly TargetConfig[], factories: Record<Engine, DriverFactory>, log: Logger, gateway: GatewayEndpoints = {}): Targets {
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

/** A gateway target's requesters connect to the gateway's endpoint for the target's wire protocol, for its database. */
function requesterConnect(config: TargetConfig, gateway: GatewayEndpoints): ConnectInfo {
  const direct = connectInfo(config);
  const endpoint = config.access === 'gateway' ? (config.engine === 'mysql' ? gateway.mysql : gateway.postgres) : undefined;
  return endpoint ? { host: endpoint.host, port: endpoint.port, database: direct.database } : direct;
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
