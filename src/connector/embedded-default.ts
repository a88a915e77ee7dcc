import { join, resolve } from 'node:path';
import type { ConnectorConfig } from './config/schema';

/**
 * The config used when none is given: one `demo` target on an embedded PostgreSQL (PGlite) seeded with a small
 * shop schema, two access levels, listening on 127.0.0.1:8787. PGlite enforces privileges under SET ROLE but has
 * no real logins, so this target is a demonstration, never a security boundary.
 */
export function embeddedDefaultConfig(options: { dataDir: string; secret: string; port?: number }): ConnectorConfig {
  const dataDir = resolve(options.dataDir);
  return {
    listen: { host: '127.0.0.1', port: options.port ?? 8787 },
    secrets: [options.secret],
    ledger: `file:${join(dataDir, 'ledger')}`,
    targets: [
      {
        id: 'demo',
        engine: 'pglite',
        url: `pglite:${join(dataDir, 'demo-db')}`,
        environment: 'dev',
        seed: 'demo',
        roles: {
          read: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT ON ALL TABLES IN SCHEMA shop'] },
          write: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop'] },
        },
      },
    ],
  };
}
