import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ConnectorConfig } from '../../../src/connector/config/schema';
import { startConnector, type RunningConnector } from '../../../src/connector/connector';
import { driverFactories } from '../../../src/connector/drivers/registry';
import { silentLogger } from '../../../src/connector/log';
import { RequesterClient } from './requester-client';
import { uniqueSuffix } from '../../support/servers';

export const SECRET = 'integration-test-secret-0123456789';

export interface TestConnector extends RunningConnector {
  client: RequesterClient;
  dataDir: string;
}

export async function startTestConnector(config: Omit<ConnectorConfig, 'listen' | 'secrets' | 'ledger'> & Partial<ConnectorConfig>, dataDir = mkdtempSync(join(tmpdir(), 'jit-connector-'))): Promise<TestConnector> {
  const running = await startConnector({
    config: { listen: { host: '127.0.0.1', port: 0 }, secrets: [SECRET], ledger: `file:${join(dataDir, 'ledger')}`, ...config },
    factories: driverFactories,
    log: silentLogger(),
    pollMs: 100,
  });
  return { ...running, dataDir, client: new RequesterClient({ baseUrl: running.url, secrets: SECRET }) };
}

/** A schema of its own in the PostgreSQL test database, with a table to grant on and an owner role. */
export async function postgresFixture(adminUrl: string) {
  const suffix = uniqueSuffix();
  const schema = `s_${suffix}`;
  const marker = `jit_m_${suffix}`;
  const owner = `jit_owner_${suffix}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE ROLE ${owner} NOLOGIN`);
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.orders (id int primary key, total numeric)`);
  await admin.query(`INSERT INTO ${schema}.orders VALUES (1, 10), (2, 20)`);
  const url = new URL(adminUrl);
  return {
    schema,
    marker,
    owner,
    admin,
    target: {
      id: `pg-${suffix}`.slice(0, 40),
      engine: 'postgres' as const,
      url: adminUrl,
      environment: 'prod',
      owner,
      marker,
      roles: {
        read: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`] },
        write: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT, INSERT, UPDATE ON TABLE ${schema}.orders`] },
      },
    },
    /** Connects as a granted login over TCP with its password, as a requester would. */
    login: async (user: string, password: string) => {
      const client = new Client({ host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user, password });
      client.on('error', () => undefined); // revocation terminates it; the next query shows that
      await client.connect();
      return client;
    },
    managedCount: async () => Number((await admin.query(`SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = $1`, [marker])).rows[0].count),
    cleanup: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      const { rows } = await admin.query(`SELECT u.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1`, [marker]);
      for (const row of rows) await admin.query(`DROP OWNED BY "${row.rolname}"; DROP ROLE "${row.rolname}"`);
      await admin.query(`DROP OWNED BY ${owner}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
      await admin.query(`DROP ROLE IF EXISTS ${marker}`);
      await admin.end();
    },
  };
}

export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
