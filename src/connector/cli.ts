#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { checkTargets } from './config/check-targets';
import { ConfigError, loadConfigFile } from './config/load-config';
import { startConnector } from './connector';
import { driverFactories } from './drivers/registry';
import { PGLITE_WARNING } from './drivers/pglite';
import { embeddedDefaultConfig } from './embedded-default';
import { createLogger } from './log';

const USAGE = `Usage: jit-connector [--config FILE] [--data DIR] [--check [--offline]]

  --config FILE  YAML config (docs/connector.md). Without it: the embedded demo target on PGlite.
  --data DIR     where the embedded default keeps its ledger and database (default ./data)
  --check        validate the config, print every problem, then connect to each target and print what
                 would make it degraded (unreachable, clock skew, no database-side expiry), and exit
  --offline      with --check: validate the config only, connect to nothing
  --help         this text`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { config: { type: 'string' }, data: { type: 'string', default: './data' }, check: { type: 'boolean', default: false }, offline: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const log = createLogger();
  let config;
  if (values.config) {
    config = await loadConfigFile(values.config, process.env, driverFactories);
  } else {
    const secret = process.env.JIT_CONNECTOR_SECRET ?? randomBytes(32).toString('hex');
    if (!process.env.JIT_CONNECTOR_SECRET) {
      // The embedded default exists so someone can try the connector at once; it has to say which key it made.
      process.stderr.write(`Embedded demo connector. Signing secret (set JIT_CONNECTOR_SECRET to choose one): ${secret}\n`);
    }
    config = embeddedDefaultConfig({ dataDir: values.data, secret });
  }
  if (values.check) {
    process.stdout.write(`config OK: ${config.targets.length} target(s): ${config.targets.map((target) => target.id).join(', ')}\n`);
    if (values.offline) return 0;
    const warnings = await checkTargets(config, driverFactories, createLogger({ level: 'silent' }));
    for (const warning of warnings) process.stdout.write(`warning: ${warning}\n`);
    return 0;
  }
  if (config.targets.some((target) => target.engine === 'pglite')) process.stderr.write(`${PGLITE_WARNING}\n`);

  const connector = await startConnector({ config, factories: driverFactories, log });
  process.stderr.write(`jit-connector listening on ${connector.url}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = () => void connector.stop().then(resolve);
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\nNothing was started. Fix the config and run again (--check validates without starting).\n`);
    else process.stderr.write(`jit-connector failed to start: ${(error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
