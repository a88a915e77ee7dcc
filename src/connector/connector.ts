import type { AddressInfo } from 'node:net';
import type { ConnectorConfig } from './config/schema';
import type { DriverFactory, Engine } from './drivers/driver';
import { Gateway } from './gateway/gateway';
import type { GrantContext } from './grants/context';
import { connectorHealth } from './health';
import { GrantService } from './grants/grant-service';
import { Leases } from './grants/leases';
import { createApiServer } from './http/server';
import { openLedger } from './ledger/open-ledger';
import type { GrantRecord } from './ledger/record';
import type { Logger } from './log';
import { createMetrics } from './metrics';
import { reconcile } from './reconcile';
import { DatabaseClock } from './scheduler/database-clock';
import { ExpiryScheduler } from './scheduler/expiry-scheduler';
import { closeTargets, openTargets } from './targets';

export interface RunningConnector {
  url: string;
  context: GrantContext;
  scheduler: ExpiryScheduler;
  /** Stop accepting, finish in-flight work, close databases and the ledger. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: ConnectorConfig;
  factories: Record<Engine, DriverFactory>;
  log: Logger;
  now?: () => Date;
  pollMs?: number;
}

/** Opens the ledger and targets, reconciles, starts the expiry scheduler, then serves the API. */
export async function startConnector(options: StartOptions): Promise<RunningConnector> {
  const { config, log } = options;
  const ledger = await openLedger(config.ledger);
  const gateway = await Gateway.start({ config, ledger, log });
  const targets = openTargets(config.targets, options.factories, log, gateway?.endpoints);
  const countByTarget = async (state: GrantRecord['state']): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const record of await ledger.list([state])) counts.set(record.target, (counts.get(record.target) ?? 0) + 1);
    return counts;
  };
  const metrics = createMetrics(countByTarget);
  const clock = new DatabaseClock(targets, options.now ?? (() => new Date()), log);
  await clock.measure();
  clock.start();
  const now = clock.now;
  gateway?.serve(targets, now);
  const context: GrantContext = { ledger, targets, log, metrics, now, leases: new Leases(ledger, now, log), gateway };

  await reconcile(context);
  context.leases.start();
  const scheduler = new ExpiryScheduler(context, { pollMs: options.pollMs, callback: config.callback && { url: config.callback.url, secrets: config.secrets } });
  scheduler.start();

  const server = createApiServer({
    grants: new GrantService(context),
    gateway: context.gateway,
    targets,
    secrets: config.secrets,
    ledger,
    metrics,
    log,
    now: context.now,
    health: () => connectorHealth(targets, clock, () => countByTarget('revoking')),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ event: 'connector.started', address: url, targets: [...targets.keys()], ledger: config.ledger.startsWith('file:') ? 'file' : 'postgres' });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await scheduler.stop();
      await context.gateway?.close();
      context.leases.stop();
      clock.stop();
      if (!(await closeTargets(targets))) log.warn({ event: 'connector.targets_close_timeout', detail: 'a database did not answer while its connections were closed' });
      await ledger.close();
      log.info({ event: 'connector.stopped' });
    })());
  return { url, context, scheduler, stop };
}
