import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { connectorConfigSchema, type ConnectorConfig, type TargetConfig } from '../../connector/config/schema';
import { TARGETS } from './demo-directory';

type Roles = TargetConfig['roles'];

// The embedded databases are seeded with the demo `shop` schema (seedDemo).
const EMBEDDED_ROLES: Roles = {
  read: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT ON ALL TABLES IN SCHEMA shop'] },
  write: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop'] },
  ddl: { memberOf: [], privileges: ['USAGE, CREATE ON SCHEMA shop', 'SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop'] },
};

// A real server's schema is unknown: PostgreSQL's predefined roles give read and write on every table.
const POSTGRES_ROLES: Roles = {
  read: { memberOf: ['pg_read_all_data'], privileges: [] },
  write: { memberOf: ['pg_read_all_data', 'pg_write_all_data'], privileges: [] },
  ddl: { memberOf: ['pg_read_all_data', 'pg_write_all_data'], privileges: ['CREATE ON SCHEMA public'] },
};

function mysqlRoles(database: string): Roles {
  return {
    read: { memberOf: [], privileges: [`SELECT ON ${database}.*`] },
    write: { memberOf: [], privileges: [`SELECT, INSERT, UPDATE, DELETE ON ${database}.*`] },
    ddl: { memberOf: [], privileges: [`SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX ON ${database}.*`] },
  };
}

/**
 * The tag of the logins this sandbox manages, one per data directory: the connector revokes managed logins
 * it has no record of at start, so a sandbox on a shared server must never claim another one's logins.
 */
export function sandboxMarker(dataDir: string): string {
  return `jit_sandbox_${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

/** The connector's config: `shop-dev` and `shop-prod` on embedded databases, or both on `targetUrl`. */
export function sandboxConnectorConfig(options: { dataDir: string; secret: string; port: number; targetUrl?: string | undefined; callbackUrl?: string | undefined }): ConnectorConfig {
  const marker = sandboxMarker(options.dataDir);
  const targets = TARGETS.map(({ id, environment }) => {
    if (options.targetUrl === undefined) {
      return { id, environment, engine: 'pglite' as const, url: `pglite:${join(options.dataDir, id)}`, seed: 'demo' as const, marker, roles: EMBEDDED_ROLES };
    }
    const url = new URL(options.targetUrl);
    const engine = url.protocol === 'mysql:' ? ('mysql' as const) : ('postgres' as const);
    const roles = engine === 'mysql' ? mysqlRoles(decodeURIComponent(url.pathname.slice(1)) || 'mysql') : POSTGRES_ROLES;
    return { id, environment, engine, url: options.targetUrl, marker, roles };
  });
  return connectorConfigSchema.parse({
    listen: { host: '127.0.0.1', port: options.port },
    secrets: [options.secret],
    ledger: `file:${join(options.dataDir, 'ledger')}`,
    ...(options.callbackUrl ? { callback: { url: options.callbackUrl } } : {}),
    targets,
  });
}
