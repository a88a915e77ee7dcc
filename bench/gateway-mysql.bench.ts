import mysql, { type Connection } from 'mysql2/promise';
import { benchSuffix, MYSQL_URL, mysqlBenchTarget } from './support/databases';
import { startBenchConnector } from './support/in-process';
import { ms, ratio, summarize } from './support/stats';
import { markdownTable } from './support/table';

/**
 * A primary-key select sent one at a time by mysql2 (text protocol) through the MySQL-wire gateway and straight to
 * the server by a login of the same access level, in the same run, alternating direct and gateway rounds so that
 * drift on a shared machine hits both alike. The gateway parses, classifies, normalizes and records every statement
 * as it does in use.
 */

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 5_000);
const ROUNDS = 2;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };

async function round(session: Connection): Promise<{ rate: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let index = 0; index < STATEMENTS; index += 1) {
    const sent = performance.now();
    await session.query(`SELECT id, total FROM orders WHERE id = ${(index % 1000) + 1}`);
    latenciesMs.push(performance.now() - sent);
  }
  return { rate: STATEMENTS / ((performance.now() - started) / 1000), latenciesMs };
}

async function main() {
  const suffix = benchSuffix();
  const fixture = await mysqlBenchTarget(suffix);
  await fixture.admin.query('INSERT INTO ??.orders WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n, n * 10 FROM s', [`jit_bench_${suffix}`]);
  const directTarget = fixture.target;
  const gatewayTarget = { ...directTarget, id: `gw-${suffix}`, access: 'gateway' as const };
  const connector = await startBenchConnector([directTarget, gatewayTarget], { gateway: { mysql: { listen: { host: '127.0.0.1', port: 0 } } } });
  try {
    const notAfter = new Date(Date.now() + 3600_000).toISOString();
    const grant = (grantId: string, target: string) => connector.client.createGrant({ grantId, target, role: 'read', principal, mode: 'ephemeral', notAfter, ticket: 'BENCH-1', reason: 'bench' });
    const directGrant = await grant(`bench-direct-${suffix}`, directTarget.id);
    const gatewayGrant = await grant(`bench-gateway-${suffix}`, gatewayTarget.id);
    const open = (created: typeof directGrant) =>
      mysql.createConnection({ host: created.connect.host, port: created.connect.port, database: created.connect.database, user: created.username, password: created.password ?? '' });
    const direct = await open(directGrant);
    const gateway = await open(gatewayGrant);
    const results = { direct: [] as Awaited<ReturnType<typeof round>>[], gateway: [] as Awaited<ReturnType<typeof round>>[] };
    for (let index = 0; index < ROUNDS; index += 1) {
      results.direct.push(await round(direct));
      results.gateway.push(await round(gateway));
    }
    await direct.end();
    await gateway.end();
    const rate = (list: typeof results.direct) => list.reduce((sum, result) => sum + result.rate, 0) / list.length;
    const latency = (list: typeof results.direct) => summarize(list.flatMap((result) => result.latenciesMs));
    const directLatency = latency(results.direct);
    const gatewayLatency = latency(results.gateway);
    const activity = await connector.context.gateway?.activityPage(gatewayGrant.grantId, null);
    process.stdout.write(
      `mysql2 text queries, one at a time, ${ROUNDS} × ${STATEMENTS} per side, alternating, against ${new URL(MYSQL_URL).host}; ${activity?.digest.statements ?? 0} statements recorded through the gateway.\n\n`,
    );
    process.stdout.write(
      markdownTable(
        ['direct statements/s', 'gateway statements/s', 'gateway / direct', 'direct p50', 'gateway p50', 'added p50', 'direct p99', 'gateway p99'],
        [
          [
            rate(results.direct).toFixed(0),
            rate(results.gateway).toFixed(0),
            ratio(rate(results.gateway), rate(results.direct)),
            ms(directLatency.p50),
            ms(gatewayLatency.p50),
            ms(gatewayLatency.p50 - directLatency.p50),
            ms(directLatency.p99),
            ms(gatewayLatency.p99),
          ],
        ],
      ),
    );
    await connector.client.revokeGrant(directGrant.grantId);
    await connector.client.revokeGrant(gatewayGrant.grantId);
  } finally {
    await connector.stop();
    await fixture.cleanup();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
