import mysql from 'mysql2/promise';
import { Client, escapeIdentifier } from 'pg';
import { z } from 'zod';
import type { TargetConfig } from '../../src/connector/config/schema';

/** The same servers the integration tests use (test/support/global-setup.ts), overridable the same way. */
export const PG_URL = process.env.JIT_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/jit_test';
export const MYSQL_URL = process.env.JIT_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/jit_test';

export function benchSuffix(): string {
  return `b${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

const nameRows = z.array(z.object({ name: z.string() }));

/**
 * A schema with a table, an owner role and a marker role of this run on PostgreSQL, and a target that grants
 * read access on it: as privileges given to each login, or with `viaGroupRole` as membership in a group role
 * holding them. Thousands of logins need the group: an object's ACL lives inline in its catalog row, and
 * about 2,400 grantees on one schema already hit "row is too big" (54000).
 * `cleanup` drops every login the marker tags, whatever the connector left.
 */
export async function postgresBenchTarget(suffix: string, options: { viaGroupRole?: boolean } = {}) {
  const schema = `s_${suffix}`;
  const owner = `jit_owner_${suffix}`;
  const marker = `jit_m_${suffix}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${escapeIdentifier(owner)} NOLOGIN`);
  // Made here rather than by the connector's first grant, so every grant sends the same statements.
  await admin.query(`CREATE ROLE ${escapeIdentifier(marker)} NOLOGIN`);
  await admin.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`);
  await admin.query(`CREATE TABLE ${escapeIdentifier(schema)}.orders (id int PRIMARY KEY, total numeric)`);
  const reader = `jit_read_${suffix}`;
  const privileges = [`USAGE ON SCHEMA ${schema}`, `SELECT ON ALL TABLES IN SCHEMA ${schema}`];
  if (options.viaGroupRole) {
    await admin.query(`CREATE ROLE ${escapeIdentifier(reader)} NOLOGIN`);
    for (const privilege of privileges) await admin.query(`GRANT ${privilege} TO ${escapeIdentifier(reader)}`);
  }
  const target: TargetConfig = {
    id: `pg-${suffix}`,
    engine: 'postgres',
    url: PG_URL,
    environment: 'bench',
    owner,
    marker,
    roles: { read: options.viaGroupRole ? { memberOf: [reader], privileges: [] } : { memberOf: [], privileges } },
  };
  const managed = async (): Promise<string[]> => {
    const { rows } = await admin.query(
      'SELECT u.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1',
      [marker],
    );
    return nameRows.parse(rows).map((row) => row.name);
  };
  return {
    target,
    admin,
    managed,
    /** Dropping the schema first removes the logins' privileges, so their roles drop in large batches. */
    async cleanup(): Promise<number> {
      await admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
      const left = await managed();
      for (let start = 0; start < left.length; start += 500) {
        const batch = left.slice(start, start + 500);
        await admin.query(`DROP OWNED BY ${batch.map(escapeIdentifier).join(', ')}`);
        await admin.query(`DROP ROLE ${batch.map(escapeIdentifier).join(', ')}`);
      }
      await admin.query(`DROP OWNED BY ${escapeIdentifier(owner)}`);
      await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(owner)}, ${escapeIdentifier(marker)}, ${escapeIdentifier(reader)}`);
      await admin.end();
      return left.length;
    },
  };
}

const accountRows = z.array(z.object({ user: z.string(), host: z.string() }));

/** A database of this run with a table on MySQL/MariaDB, and a target that grants read access on it. */
export async function mysqlBenchTarget(suffix: string) {
  const database = `jit_bench_${suffix}`;
  const marker = `jit_m_${suffix}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query('CREATE DATABASE ??', [database]);
  await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY, total DECIMAL(10, 2))', [database]);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  const target: TargetConfig = {
    id: `my-${suffix}`,
    engine: 'mysql',
    url: url.toString(),
    environment: 'bench',
    marker,
    roles: { read: { memberOf: [], privileges: [`SELECT ON ${database}.orders`] } },
  };
  return {
    target,
    admin,
    async cleanup(): Promise<number> {
      const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
      const left = accountRows.parse(rows);
      for (const { user, host } of left) await admin.query('DROP USER ?@?', [user, host]);
      await admin.query('DROP DATABASE IF EXISTS ??', [database]);
      await admin.end();
      return left.length;
    },
  };
}
