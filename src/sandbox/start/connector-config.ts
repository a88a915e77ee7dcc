import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { connectorConfigSchema, type ConnectorConfig, type TargetConfig } from '../../connector/config/schema';
import { TARGETS } from './demo-directory';

type Roles = TargetConfig['roles'];

// The embedded server's databases hold the demo `shop` schema. Behind the gateway, customers' emails are masked for
// every level, and the write levels carry guards, so the console shows both.
const EMBEDDED_MASKING = { 'shop.customers.email': 'email' as const };
const SHOP_WRITE = ['USAGE ON SCHEMA shop', 'SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop'];
const EMBEDDED_ROLES: Roles = {
  read: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT ON ALL TABLES IN SCHEMA shop'], export: true },
  write: { memberOf: [], privileges: SHOP_WRITE, guard: ['no-unqualified-write', 'no-drop'] },
  ddl: { memberOf: [], privileges: ['USAGE, CREATE ON SCHEMA shop', ...SHOP_WRITE.slice(1)], guard: ['no-drop'] },
};

// A real server's schema is unknown: the tables of `public` in the URL's database, and nothing of any other
// database of the cluster (unlike pg_read_all_data / pg_write_all_data, which reach every database).
const POSTGRES_READ = ['USAGE ON SCHEMA public', 'SELECT ON ALL TABLES IN SCHEMA public', 'SELECT ON ALL SEQUENCES IN SCHEMA public'];
const POSTGRES_WRITE = ['USAGE ON SCHEMA public', 'SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public', 'USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public'];
const POSTGRES_ROLES: Roles = {
  read: { memberOf: [], privileges: POSTGRES_READ },
  write: { memberOf: [], privileges: POSTGRES_WRITE },
  ddl: { memberOf: [], privileges: [...POSTGRES_WRITE, 'USAGE, CREATE ON SCHEMA public'] },
};

function mysqlRoles(database: string): Roles {
  return {
    read: { memberOf: [], privileges: [`SELECT ON ${database}.*`] },
    write: { memberOf: [], privileges: [`SELECT, INSERT, UPDATE, DELETE ON ${database}.*`] },
    ddl: { memberOf: [], privileges: [`SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX ON ${database}.*`] },
  };
}

/**
 * The tag of the logins this sandbox manages. The connector revokes managed logins it has no record of at start,
 * so a sandbox on a shared server must never claim another one's logins, yet must find its own after a crash.
 * With --data: one marker per data directory, whose ledger remembers the grants. On a real server without
 * --data the ledger is thrown away on exit, so the marker comes from the server, database and admin user
 * (never the password): the next start there revokes whatever a killed run left.
 */
export function sandboxMarker(options: { dataDir: string; dataDirIsTemporary: boolean; targetUrl?: string | undefined }): string {
  let seed = options.dataDir;
  if (options.targetUrl !== undefined && options.dataDirIsTemporary) {
    const url = new URL(options.targetUrl);
    seed = `${url.protocol}//${decodeURIComponent(url.username)}@${url.host}${url.pathname}`;
  }
  return `jit_sandbox_${createHash('sha256').update(seed).digest('hex').slice(0, 12)}`;
}

/** The NOLOGIN role that keeps what a `ddl` login created on a real PostgreSQL server, once it is revoked. */
export function sandboxOwner(marker: string): string {
  return `${marker}_owner`;
}

/** Behind the gateway the read level may also download console results, so the sandbox shows that right. */
function withReadExport(roles: Roles): Roles {
  const { read } = roles;
  return read ? { ...roles, read: { ...read, export: true } } : roles;
}

/**
 * Behind the gateway, production shows a level's guard and masking too: its read level is read-only-guarded, and
 * `customers.email` (in `public`, or the URL's MySQL database), when the server has that table, is masked.
 */
function productionRules(id: string, roles: Roles, schema: string): { roles: Roles; masking?: Record<string, 'email'> } {
  const { read } = roles;
  if (id !== 'shop-prod' || !read) return { roles };
  return { roles: { ...roles, read: { ...read, guard: ['read-only'] } }, masking: { [`${schema}.customers.email`]: 'email' } };
}

/** Where the sandbox's SQL gateway listens: this machine only, on a port the system picks. */
const GATEWAY_LISTEN = { listen: { host: '127.0.0.1', port: 0 } };

/** Where the demo targets live: one database per target on the embedded server, or all on a server of the user's. */
export type SandboxDatabases = { embedded: Record<string, string> } | { targetUrl: string; gateway: boolean };

function serverTargets(targetUrl: string, gateway: boolean, marker: string) {
  const engine = new URL(targetUrl).protocol === 'mysql:' ? ('mysql' as const) : ('postgres' as const);
  const access = gateway ? { access: 'gateway' as const } : {};
  const targets = TARGETS.map(({ id, environment }) => {
    const gatewayRules = (roles: Roles, schema: string) => (gateway ? productionRules(id, withReadExport(roles), schema) : { roles });
    if (engine === 'mysql') {
      const database = decodeURIComponent(new URL(targetUrl).pathname.slice(1)) || 'mysql';
      return { id, environment, engine, url: targetUrl, marker, ...access, ...gatewayRules(mysqlRoles(database), database) };
    }
    return { id, environment, engine, url: targetUrl, marker, owner: sandboxOwner(marker), ...access, ...gatewayRules(POSTGRES_ROLES, 'public') };
  });
  return { engine, targets };
}

function embeddedTargets(urls: Record<string, string>, marker: string) {
  const targets = TARGETS.map(({ id, environment }) => {
    const url = urls[id];
    if (url === undefined) throw new Error(`no embedded database for ${id}`);
    return { id, environment, engine: 'postgres' as const, url, marker, owner: sandboxOwner(marker), access: 'gateway' as const, masking: EMBEDDED_MASKING, roles: EMBEDDED_ROLES };
  });
  return { engine: 'postgres' as const, targets };
}

/**
 * The connector's config: `shop-dev` and `shop-prod` on the embedded server behind the SQL gateway, or both on
 * `targetUrl`, behind the gateway for that URL's wire protocol with `gateway`.
 */
export function sandboxConnectorConfig(options: {
  dataDir: string;
  marker: string;
  secret: string;
  port: number;
  databases: SandboxDatabases;
  callbackUrl?: string | undefined;
}): ConnectorConfig {
  const { databases, marker } = options;
  const { engine, targets } = 'embedded' in databases ? embeddedTargets(databases.embedded, marker) : serverTargets(databases.targetUrl, databases.gateway, marker);
  const gateway = 'embedded' in databases || databases.gateway;
  return connectorConfigSchema.parse({
    listen: { host: '127.0.0.1', port: options.port },
    secrets: [options.secret],
    ledger: `file:${join(options.dataDir, 'ledger')}`,
    ...(options.callbackUrl ? { callback: { url: options.callbackUrl } } : {}),
    ...(gateway ? { gateway: { [engine]: GATEWAY_LISTEN } } : {}),
    targets,
  });
}
