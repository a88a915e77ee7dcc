import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorConfig, TargetConfig } from '../../src/connector/config/schema';
import { startConnector } from '../../src/connector/connector';
import { driverFactories } from '../../src/connector/drivers/registry';
import { silentLogger } from '../../src/connector/log';
import { RequesterClient } from '../../test/connector/support/requester-client';

export const BENCH_SECRET = 'benchmark-secret-0123456789abcdef';

/** A connector in this process on a file ledger in a fresh directory, with the defaults of the CLI. */
export async function startBenchConnector(targets: TargetConfig[], extra: Pick<ConnectorConfig, 'gateway'> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
  const running = await startConnector({
    config: { listen: { host: '127.0.0.1', port: 0 }, secrets: [BENCH_SECRET], ledger: `file:${join(dataDir, 'ledger')}`, targets, ...extra },
    factories: driverFactories,
    log: silentLogger(),
  });
  return {
    ...running,
    client: new RequesterClient({ baseUrl: running.url, secrets: BENCH_SECRET }),
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
