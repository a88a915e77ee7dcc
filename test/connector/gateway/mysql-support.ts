import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import type { Guard } from '../../../src/connector/gateway/guards/guard-schema';
import type { MaskingConfig } from '../../../src/connector/gateway/masking/mask-schema';
import { signRequest } from '../../../src/protocol';
import { uniqueSuffix } from '../../support/servers';
import { inSeconds, SECRET, startTestConnector } from '../support/harness';
import { principal, type ActivityBody } from './support';

export const errnoOf = (error: unknown): number => z.object({ errno: z.number() }).parse(error).errno;

/** A connector whose one MySQL/MariaDB target sits behind its MySQL-wire gateway on a free loopback port. */
export async function mysqlGatewayConnector(
  adminUrl: string,
  options: { record?: 'normalized' | 'full'; tls?: { cert: string; key: string }; roles?: (database: string) => Record<string, { memberOf: string[]; privileges: string[]; guard?: Guard[]; unmasked?: boolean }>; masking?: MaskingConfig } = {},
) {
  const sfx = uniqueSuffix();
  const database = `jit_gw_${sfx}`;
  const marker = `jit_m_${sfx}`;
  const targetUrl = new URL(adminUrl);
  targetUrl.pathname = `/${database}`;
  const admin = await mysql.createConnection({ uri: adminUrl });
  await admin.query('CREATE DATABASE ??', [database]);
  await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY, total DECIMAL(10, 2), note VARCHAR(40), blob_col VARBINARY(8))', [database]);
  await admin.query('CREATE TABLE ??.secrets (id INT PRIMARY KEY)', [database]);
  await admin.query("INSERT INTO ??.orders VALUES (1, 10, 'first', NULL), (2, 20, NULL, X'00FF10')", [database]);
  const target = {
    id: `my-${sfx}`,
    engine: 'mysql' as const,
    url: targetUrl.toString(),
    environment: 'prod',
    marker,
    access: 'gateway' as const,
    ...(options.record ? { record: options.record } : {}),
    roles: {
      read: { memberOf: [], privileges: [`SELECT ON ${database}.orders`] },
      write: { memberOf: [], privileges: [`SELECT, INSERT, UPDATE ON ${database}.orders`] },
      ...options.roles?.(database),
    },
    ...(options.masking ? { masking: options.masking } : {}),
  };
  const connector = await startTestConnector({ targets: [target], gateway: { mysql: { listen: { host: '127.0.0.1', port: 0 }, ...(options.tls ? { tls: options.tls } : {}) } } });
  const gateway = connector.context.gateway;
  const port = gateway?.endpoints.mysql?.port;
  if (!gateway?.mysql || port === undefined) throw new Error('the MySQL gateway did not start');
  const grant = async (grantId: string, changes: Record<string, unknown> = {}) => {
    const created = await connector.client.createGrant({ grantId, target: target.id, role: 'write', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test', ...changes });
    return { ...created, password: created.password ?? '' };
  };
  /** A requester's mysql2 connection through the gateway. */
  const connect = async (user: string, password: string, extra: Record<string, unknown> = {}): Promise<Connection> => {
    const session = await mysql.createConnection({ host: '127.0.0.1', port, user, password, database, ...extra });
    session.on('error', () => undefined);
    return session;
  };
  const activity = async (grantId: string) => {
    const path = `/v1/grants/${encodeURIComponent(grantId)}/activity`;
    const response = await fetch(connector.url + path, { headers: signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'GET', pathWithQuery: path, body: '' }) });
    return { status: response.status, body: (await response.json()) as ActivityBody };
  };
  /** Sessions the grant's login has on the database itself. */
  const databaseSessions = async (username: string) => {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [username]);
    return Number(z.array(z.object({ n: z.union([z.number(), z.string()]) })).parse(rows)[0]?.n);
  };
  const stop = async () => {
    await connector.stop();
    const [accounts] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
    for (const { user, host } of z.array(z.object({ user: z.string(), host: z.string() })).parse(accounts)) await admin.query('DROP USER ?@?', [user, host]);
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
  };
  return { admin, database, target, connector, gateway, mysqlGateway: gateway.mysql, port, grant, connect, activity, databaseSessions, stop };
}
