import { Client } from 'pg';
import { signRequest } from '../../../src/protocol';
import { inSeconds, postgresFixture, SECRET, startTestConnector, type TestConnector } from '../support/harness';

export const principal = { accountId: 'acc-ana', email: 'ana@example.com', dbUser: null };

/** A connector whose one PostgreSQL target sits behind its gateway, listening on a free loopback port. */
export async function gatewayConnector(
  adminUrl: string,
  options: { record?: 'normalized' | 'full'; tls?: { cert: string; key: string }; callback?: { url: string }; roles?: (schema: string) => Record<string, unknown> } = {},
) {
  const fixture = await postgresFixture(adminUrl);
  const roles = { ...fixture.target.roles, ...options.roles?.(fixture.schema) };
  const target = { ...fixture.target, roles, access: 'gateway' as const, ...(options.record ? { record: options.record } : {}) };
  const direct = { ...fixture.target, id: `d${fixture.target.id}`.slice(0, 40) };
  const connector = await startTestConnector({
    targets: [target, direct],
    gateway: { postgres: { listen: { host: '127.0.0.1', port: 0 }, ...(options.tls ? { tls: options.tls } : {}) } },
    ...(options.callback ? { callback: options.callback } : {}),
  });
  const gateway = connector.context.gateway;
  if (!gateway) throw new Error('the gateway did not start');
  const port = gateway.endpoints.postgres?.port ?? 0;
  const grant = async (grantId: string, changes: Record<string, unknown> = {}) => {
    const created = await connector.client.createGrant({ grantId, target: target.id, role: 'write', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test', ...changes });
    return { ...created, password: created.password ?? '' };
  };
  const database = new URL(adminUrl).pathname.slice(1);
  const config = (user: string, password: string, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port, database, user, password, ...extra });
  /** A requester's pg client through the gateway. */
  const connect = async (user: string, password: string, extra: Record<string, unknown> = {}) => {
    const client = new Client(config(user, password, extra));
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const activity = async (grantId: string, next?: string) => {
    const path = `/v1/grants/${encodeURIComponent(grantId)}/activity${next ? `?next=${next}` : ''}`;
    const response = await fetch(connector.url + path, { headers: signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'GET', pathWithQuery: path, body: '' }) });
    return { status: response.status, body: (await response.json()) as ActivityBody };
  };
  /** Sessions the login has on the database itself (the gateway's own sessions as the grant). */
  const databaseSessions = async (username: string) =>
    Number((await fixture.admin.query('SELECT count(*) FROM pg_stat_activity WHERE usename = $1', [username])).rows[0].count);
  const stop = async () => {
    await connector.stop();
    await fixture.cleanup();
  };
  return { fixture, target, direct, database, connector: connector as TestConnector, gateway, port, config, grant, connect, activity, databaseSessions, stop };
}

export interface ActivityBody {
  grantId: string;
  statements: { at: string; session: string; kind: string; sql: string | null; tables: string[]; rows: number | null; ms: number; blocked: string | null; error: string | null; params?: (string | null)[] }[];
  digest: { sessions: number; statements: number; byKind: Record<string, number>; tables: string[]; blocked: number; errors: number; first: string | null; last: string | null };
  next: string | null;
  error?: { code: string };
}

/** `POST /v1/grants/{grantId}/query`, signed like every v2 request. */
export async function consoleQuery(baseUrl: string, grantId: string, sql: unknown, extra: Record<string, unknown> = {}) {
  const path = `/v1/grants/${encodeURIComponent(grantId)}/query`;
  const body = JSON.stringify({ sql, ...extra });
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'POST', pathWithQuery: path, body }) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

/** `GET /v1/grants/{grantId}/schema`, signed like every v2 request (or with the signature of another path). */
export async function schemaOf(baseUrl: string, grantId: string, signedFor = grantId) {
  const path = (id: string) => `/v1/grants/${encodeURIComponent(id)}/schema`;
  const response = await fetch(baseUrl + path(grantId), { headers: signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'GET', pathWithQuery: path(signedFor), body: '' }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
}
