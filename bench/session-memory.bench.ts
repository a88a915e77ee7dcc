import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { z } from 'zod';
import { signRequest } from '../src/protocol';
import { BENCH_SECRET } from './support/in-process';
import { benchSuffix, mysqlBenchTarget, postgresBenchTarget } from './support/databases';
import { compileConnector, residentMemory, spawnConnector, writeConfig, type ConnectorProcess } from './support/connector-process';
import { mb } from './support/stats';
import { markdownTable } from './support/table';

/**
 * One long session per wire protocol through the SQL gateway: 100,000 statements, each with a literal of its own,
 * on one connection, each in a connector process of its own, compiled as `npm run connector` runs it. Its resident memory is sampled throughout and compared
 * with its idle memory before the session (after a short first session warmed it up); then the record is read back
 * through the activity endpoint (which streams it) and must hold every statement. The aim: within 50 MB of idle,
 * and the record complete.
 */

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 100_000);
const WARM_UP = 1_000;
const LIMIT_MB = 50;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };

type Grant = Awaited<ReturnType<ConnectorProcess['client']['createGrant']>>;

interface Session {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

const pageSchema = z.object({
  statements: z.array(z.object({ sql: z.string().nullable() })),
  digest: z.object({ statements: z.number() }),
});

async function firstActivityPage(connector: ConnectorProcess, grantId: string) {
  const path = `/v1/grants/${encodeURIComponent(grantId)}/activity`;
  const response = await fetch(connector.url + path, { headers: signRequest(BENCH_SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'GET', pathWithQuery: path, body: '' }) });
  return pageSchema.parse(await response.json());
}

async function run(open: () => Promise<Session>, statement: (index: number) => string, count: number): Promise<void> {
  const session = await open();
  for (let index = 0; index < count; index += 1) await session.query(statement(index));
  await session.end();
}

async function measure(connector: ConnectorProcess, open: () => Promise<Session>, grantId: string, statement: (index: number) => string): Promise<string[]> {
  const cold = residentMemory(connector.pid).rss;
  // A first session grows the heap once (the parser's WebAssembly memory, compiled code): idle is measured after it.
  await run(open, statement, WARM_UP);
  const idle = residentMemory(connector.pid).rss;
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, residentMemory(connector.pid).rss);
  }, 100);
  const started = performance.now();
  await run(open, statement, STATEMENTS);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, residentMemory(connector.pid).rss);
  const page = await firstActivityPage(connector, grantId);
  const afterRead = residentMemory(connector.pid).rss;
  // Every statement counted, and each recorded with its text normalized (no literal left but $n placeholders).
  const complete = page.digest.statements === WARM_UP + STATEMENTS && page.statements.every((recorded) => recorded.sql !== null && !/\d/.test(recorded.sql.replace(/\$\d+/g, '')));
  return [
    String(STATEMENTS),
    (STATEMENTS / seconds).toFixed(0),
    mb(cold),
    mb(idle),
    mb(peak),
    mb(peak - idle),
    mb(afterRead - idle),
    `${page.digest.statements} of ${WARM_UP + STATEMENTS}${complete ? '' : ' (incomplete)'}`,
    peak - idle <= LIMIT_MB * 1024 * 1024 && complete ? 'yes' : 'NO',
  ];
}

async function main() {
  const suffix = benchSuffix();
  const pgFixture = await postgresBenchTarget(suffix);
  const myFixture = await mysqlBenchTarget(suffix);
  await pgFixture.admin.query(`INSERT INTO s_${suffix}.orders SELECT i, i * 10 FROM generate_series(1, 1000) AS i`);
  await myFixture.admin.query('INSERT INTO ??.orders WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n, n * 10 FROM s', [`jit_bench_${suffix}`]);
  const pgTarget = { ...pgFixture.target, access: 'gateway' as const };
  const myTarget = { ...myFixture.target, access: 'gateway' as const };
  const config = writeConfig([pgTarget, myTarget], {
    gateway: { postgres: { listen: { host: '127.0.0.1', port: 0 } }, mysql: { listen: { host: '127.0.0.1', port: 0 } } },
  });
  const notAfter = new Date(Date.now() + 3600_000).toISOString();
  const compiled = compileConnector();
  let sessions = 0;
  /** One session in a connector process of its own, so that no session's heap shapes another's. */
  const session = async (name: string, target: string, open: (login: Grant) => Promise<Session>, statement: (index: number) => string): Promise<string[]> => {
    const connector = await spawnConnector(['--config', config.configPath], compiled.cli);
    try {
      const login = await connector.client.createGrant({ grantId: `bench-${suffix}-${(sessions += 1)}`, target, role: 'read', principal, mode: 'ephemeral', notAfter, ticket: 'BENCH-1', reason: 'bench' });
      const row = await measure(connector, () => open(login), login.grantId, statement);
      await connector.client.revokeGrant(login.grantId);
      return [name, ...row];
    } finally {
      await connector.stop();
    }
  };
  const openPostgres = async (login: Grant): Promise<Session> => {
    const client = new Client({ host: login.connect.host, port: login.connect.port, database: login.connect.database, user: login.username, password: login.password ?? '', options: `-c search_path=s_${suffix}` });
    await client.connect();
    return { query: (sql) => client.query(sql), end: () => client.end() };
  };
  const openMysql = async (login: Grant): Promise<Session> => {
    const connection = await mysql.createConnection({ host: login.connect.host, port: login.connect.port, database: login.connect.database, user: login.username, password: login.password ?? '' });
    return { query: (sql) => connection.query(sql), end: () => connection.end() };
  };
  const byId = (index: number) => `SELECT id, total FROM orders WHERE id = ${(index % 1000) + 1}`;
  try {
    const rows = [
      await session('PostgreSQL wire (pg)', pgTarget.id, openPostgres, byId),
      await session('MySQL wire (mysql2)', myTarget.id, openMysql, byId),
      // A string literal: no statement shape is shared, so every text is parsed.
      await session('MySQL wire (mysql2), string literals', myTarget.id, openMysql, (index) => `SELECT id, total FROM orders WHERE id = CAST('${(index % 1000) + 1}' AS SIGNED)`),
    ];
    process.stdout.write(
      `One session of ${STATEMENTS} statements each, one at a time, through the gateway, after a ${WARM_UP}-statement session that warms the connector up; each in a compiled connector process of its own, its RSS sampled every 100 ms. Aim: peak within ${LIMIT_MB} MB of idle, and the record complete.\n\n`,
    );
    process.stdout.write(markdownTable(['session', 'statements', 'statements/s', 'RSS at start', `idle RSS after ${WARM_UP} statements`, 'peak RSS', 'peak − idle', 'after reading the record − idle', 'recorded', 'within aim'], rows));
  } finally {
    compiled.remove();
    config.remove();
    await pgFixture.cleanup();
    await myFixture.cleanup();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
