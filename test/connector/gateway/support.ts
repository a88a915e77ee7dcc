import { Client } from 'pg';
import { signRequest } from '../../../src/protocol';
import { inSeconds, postgresFixture, SECRET, startTestConnector, type TestConnector } from '../support/harness';

export const principal = { accountId: 'acc-ana', email: 'ana@example.com', dbUser: null };

/** A connector whose one PostgreSQL target sits behind its gateway, listening on a free loopback port. */
export async function gatewayConnector(adminUrl: string, options: { record?: 'normalized' | 'full'; tls?: { cert: string; key: string } } = {}) {
  const fixture = await postgresFixture(adminUrl);
  const target = { ...fixture.target, access: 'gateway' as const, ...(options.record ? { record: options.record } : {}) };
  const connector = await startTestConnector({
    targets: [target],
    gateway: { postgres: { listen: { host: '127.0.0.1', port: 0 }, ...(options.tls ? { tls: options.tls } : {}) } },
  });
  const gateway = connector.context.gateway;
  if (!gateway) throw new Error('the gateway did not start');
  const { port } = gateway.endpoint;
  const grant = async (grantId: string, changes: Record<string, unknown> = {}) => {
    const created = await connector.client.createGrant({ grantId, target: target.id, role: 'write', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test', ...changes });
    return { ...created, password: created.password ?? '' };
  };
  /** A requester's pg client through the gateway. */
  const connect = async (user: string, password: string, extra: Record<string, unknown> = {}) => {
    const client = new Client({ host: '127.0.0.1', port, database: fixture.target.url.split('/').at(-1), user, password, ...extra });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const activity = async (grantId: string, next?: string) => {
    const path = `/v1/grants/${encodeURIComponent(grantId)}/activity${next ? `?next=${next}` : ''}`;
    const response = await fetch(connector.url + path, { headers: signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'GET', pathWithQuery: path, body: '' }) });
    return { status: response.status, body: (await response.json()) as ActivityBody };
  };
  const stop = async () => {
    await connector.stop();
    await fixture.cleanup();
  };
  return { fixture, target, connector: connector as TestConnector, gateway, port, grant, connect, activity, stop };
}

export interface ActivityBody {
  grantId: string;
  statements: { at: string; session: string; kind: string; sql: string | null; tables: string[]; rows: number | null; ms: number; blocked: string | null; error: string | null; params?: (string | null)[] }[];
  digest: { sessions: number; statements: number; byKind: Record<string, number>; tables: string[]; blocked: number; errors: number; first: string | null; last: string | null };
  next: string | null;
  error?: { code: string };
}
