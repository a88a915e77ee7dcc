import { Client } from 'pg';
import mysql from 'mysql2/promise';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/jit_test';
const DEFAULT_MYSQL = 'mysql://root@127.0.0.1:3306/jit_test';

async function probePostgres(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeMysql(url: string): Promise<string | null> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    await connection.query('SELECT 1');
    await connection.end();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export default async function globalSetup(): Promise<void> {
  const pgUrl = process.env.JIT_TEST_PG_URL || DEFAULT_PG;
  const mysqlUrl = process.env.JIT_TEST_MYSQL_URL || DEFAULT_MYSQL;
  const [pgProblem, mysqlProblem] = await Promise.all([probePostgres(pgUrl), probeMysql(mysqlUrl)]);
  const problems: string[] = [];
  if (pgProblem) problems.push(`PostgreSQL at ${pgUrl.replace(/:[^:@/]*@/, ':***@')}: ${pgProblem}`);
  if (mysqlProblem) problems.push(`MySQL/MariaDB at ${mysqlUrl.replace(/:[^:@/]*@/, ':***@')}: ${mysqlProblem}`);
  if (problems.length > 0 && process.env.CI === 'true') {
    throw new Error(
      `CI=true needs real database servers for the integration tests:\n  ${problems.join('\n  ')}\n` +
        'Run `bash .ci/run` (it starts them and creates the jit_test databases), or set JIT_TEST_PG_URL / JIT_TEST_MYSQL_URL.',
    );
  }
  process.env.JIT_TEST_PG_URL = pgProblem ? '' : pgUrl;
  process.env.JIT_TEST_MYSQL_URL = mysqlProblem ? '' : mysqlUrl;
}
