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

export function openTargets(configs: readonly TargetConfig[], factories: Record<Engine, DriverFactory>, log: Logger): Targets {
  return new Map(
    configs.map((config) => {
      const driver = factories[config.engine].create(
        { id: config.id, url: config.url, owner: config.owner, marker: config.marker, seed: config.seed, access: config.roles },
        log.child({ target: config.id }),
      );
      return [config.id, { config, driver, connect: connectInfo(config) }];
    }),
  );
}

export async function closeTargets(targets: Targets): Promise<void> {
  await Promise.allSettled([...targets.values()].map((target) => target.driver.close()));
}
