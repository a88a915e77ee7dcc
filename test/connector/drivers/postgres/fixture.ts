import { Client, DatabaseError } from 'pg';
import { silentLogger } from '../../../../src/connector/log';
import type { DriverTarget } from '../../../../src/connector/drivers/driver';
import { PostgresDriver } from '../../../../src/connector/drivers/postgres/driver';
import { scramSha256Verifier } from '../../../../src/connector/drivers/postgres/scram';
import { uniqueSuffix } from '../../../support/servers';

/**
 * Per-file objects on the shared server: a schema with a small table to grant on, a table nobody is granted,
 * a read group role, an owner role and a marker role, all named with a suffix unique to the file so test
 * files running in parallel never meet. `cleanup` removes every role the driver left under the marker too.
 */
export interface Fixture {
  suffix: string;
  admin: Client;
  schema: string;
  owner: string;
  marker: string;
  target: DriverTarget;
  driver: PostgresDriver;
  connectAs(user: string, password: string | undefined): Promise<Client>;
  /** CREATE ROLE … LOGIN with a password, set as a verifier. */
  createLogin(name: string, password: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createFixture(url: string): Promise<Fixture> {
  const suffix = uniqueSuffix();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const id = (name: string) => admin.escapeIdentifier(name);
  const schema = `jit_s_${suffix}`;
  const owner = `jit_o_${suffix}`;
  const reader = `jit_r_${suffix}`;
  const marker = `jit_m_${suffix}`;
  for (const statement of [
    `CREATE ROLE ${id(owner)} NOLOGIN`,
    `CREATE ROLE ${id(reader)} NOLOGIN`,
    `CREATE SCHEMA ${id(schema)}`,
    `CREATE TABLE ${id(schema)}.orders (id int PRIMARY KEY, item text NOT NULL)`,
    `INSERT INTO ${id(schema)}.orders VALUES (1, 'book'), (2, 'lamp')`,
    `CREATE TABLE ${id(schema)}.secrets (value text)`,
    `GRANT USAGE ON SCHEMA ${id(schema)} TO ${id(reader)}`,
    `GRANT SELECT ON ${id(schema)}.orders TO ${id(reader)}`,
  ]) {
    await admin.query(statement);
  }
  const target: DriverTarget = {
    id: 'pg-test',
    url,
    owner,
    marker,
    access: {
      read: { memberOf: [reader], privileges: [] },
      write: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT, INSERT ON TABLE ${schema}.orders`] },
      ddl: { memberOf: [reader], privileges: [`CREATE ON SCHEMA ${schema}`] },
    },
  };
  const driver = new PostgresDriver(target, silentLogger(), { polling: { stepMs: 20, limitMs: 5_000 } });
  const sessions: Client[] = [];

  async function connectAs(user: string, password: string | undefined): Promise<Client> {
    const address = new URL(url);
    address.username = encodeURIComponent(user);
    address.password = encodeURIComponent(password ?? '');
    const client = new Client({ connectionString: address.toString() });
    // A terminated session reports its error on the client; the test inspects it through its next query.
    client.on('error', () => undefined);
    await client.connect();
    sessions.push(client);
    return client;
  }

  async function createLogin(name: string, password: string): Promise<void> {
    await admin.query(`CREATE ROLE ${id(name)} LOGIN PASSWORD ${admin.escapeLiteral(await scramSha256Verifier(password))}`);
  }

  async function cleanup(): Promise<void> {
    await driver.close();
    await Promise.all(sessions.map((session) => session.end().catch(() => undefined)));
    const { rows } = await admin.query<{ name: string }>(
      `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
        JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = $1`,
      [marker],
    );
    for (const { name } of rows) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
      await admin.query(`REASSIGN OWNED BY ${id(name)} TO CURRENT_USER`);
      await admin.query(`DROP OWNED BY ${id(name)}`);
      await admin.query(`DROP ROLE ${id(name)}`);
    }
    await admin.query(`DROP SCHEMA ${id(schema)} CASCADE`);
    for (const role of [reader, owner, marker]) await admin.query(`DROP ROLE IF EXISTS ${id(role)}`);
    await admin.end();
  }

  return { suffix, admin, schema, owner, marker, target, driver, connectAs, createLogin, cleanup };
}

/** The SQLSTATE a promise rejects with, or 'ok' when it resolves. */
export async function sqlStateOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof DatabaseError && error.code !== undefined) return error.code;
    return `not a database error: ${String(error)}`;
  }
}

export async function roleRow(admin: Client, name: string) {
  const { rows } = await admin.query<{ rolcanlogin: boolean; rolvaliduntil: Date | null; rolpassword: string | null; memberOf: string[] }>(
    `SELECT a.rolcanlogin, a.rolvaliduntil, a.rolpassword,
            ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = a.oid ORDER BY 1)::text[] AS "memberOf"
       FROM pg_authid a WHERE a.rolname = $1`,
    [name],
  );
  return rows[0];
}
