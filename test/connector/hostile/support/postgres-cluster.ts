import { Client } from 'pg';
import { scramSha256Verifier } from '../../../../src/connector/drivers/postgres/scram';
import { uniqueSuffix } from '../../../support/servers';

/**
 * The attacker's playground on the shared PostgreSQL server, named with a suffix of its own: an `owner` role
 * owning a schema with an `orders` table, a least-privilege connector admin made as docs/connector.md says
 * (CREATEROLE, pg_signal_backend, member of the owner, grant options), a bystander login standing for "any
 * other database user", and scratch databases of the same cluster. `cleanup` removes all of it, including
 * whatever the temporary logins left in any database.
 */
export interface HostileCluster {
  suffix: string;
  superuser: Client;
  schema: string;
  owner: string;
  marker: string;
  admin: { name: string; url: string };
  bystander: string;
  database: string;
  /** The URL of `database` (or another one) as `user`, over TCP with a password. */
  urlAs(user: string, password: string, database?: string): string;
  connectAs(user: string, password: string, database?: string): Promise<Client>;
  /** A database of the same cluster, dropped at cleanup. */
  createDatabase(tag: string): Promise<string>;
  /** Runs statements as the superuser in another database of the cluster. */
  inDatabase<T>(database: string, work: (client: Client) => Promise<T>): Promise<T>;
  cleanup(): Promise<void>;
}

export const ADMIN_PASSWORD = 'admin-pw-not-secret';
export const BYSTANDER_PASSWORD = 'bystander-pw-not-secret';

export async function createHostileCluster(url: string): Promise<HostileCluster> {
  const suffix = uniqueSuffix();
  const superuser = new Client({ connectionString: url });
  await superuser.connect();
  const id = (name: string) => superuser.escapeIdentifier(name);
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const schema = `jit_hs_${suffix}`;
  const owner = `jit_ho_${suffix}`;
  const marker = `jit_hm_${suffix}`;
  const adminName = `jit_ha_${suffix}`;
  const bystander = `jit_hb_${suffix}`;
  const databases: string[] = [];
  const sessions: Client[] = [];

  const urlAs = (user: string, password: string, db = database) => {
    const address = new URL(url);
    address.username = encodeURIComponent(user);
    address.password = encodeURIComponent(password);
    address.pathname = `/${encodeURIComponent(db)}`;
    return address.toString();
  };

  for (const statement of [
    `CREATE ROLE ${id(owner)} NOLOGIN`,
    `CREATE SCHEMA ${id(schema)} AUTHORIZATION ${id(owner)}`,
    `CREATE TABLE ${id(schema)}.orders (id int PRIMARY KEY, item text NOT NULL)`,
    `ALTER TABLE ${id(schema)}.orders OWNER TO ${id(owner)}`,
    `INSERT INTO ${id(schema)}.orders VALUES (1, 'book')`,
    `CREATE ROLE ${id(adminName)} LOGIN CREATEROLE PASSWORD ${superuser.escapeLiteral(await scramSha256Verifier(ADMIN_PASSWORD))}`,
    `GRANT pg_signal_backend TO ${id(adminName)}`,
    `GRANT ${id(owner)} TO ${id(adminName)}`,
    `GRANT USAGE, CREATE ON SCHEMA ${id(schema)} TO ${id(adminName)} WITH GRANT OPTION`,
    `GRANT SELECT, INSERT, UPDATE, DELETE, TRIGGER ON TABLE ${id(schema)}.orders TO ${id(adminName)} WITH GRANT OPTION`,
    `GRANT CREATE ON DATABASE ${id(database)} TO ${id(adminName)} WITH GRANT OPTION`,
    `CREATE ROLE ${id(bystander)} LOGIN PASSWORD ${superuser.escapeLiteral(await scramSha256Verifier(BYSTANDER_PASSWORD))}`,
    `GRANT USAGE ON SCHEMA ${id(schema)} TO ${id(bystander)}`,
  ]) {
    await superuser.query(statement);
  }

  async function connectAs(user: string, password: string, db = database): Promise<Client> {
    const client = new Client({ connectionString: urlAs(user, password, db) });
    client.on('error', () => undefined);
    await client.connect();
    sessions.push(client);
    return client;
  }

  async function inDatabase<T>(db: string, work: (client: Client) => Promise<T>): Promise<T> {
    const address = new URL(url);
    address.pathname = `/${encodeURIComponent(db)}`;
    const client = new Client({ connectionString: address.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function createDatabase(tag: string): Promise<string> {
    const name = `jit_h${tag}_${suffix}`;
    await superuser.query(`CREATE DATABASE ${id(name)}`);
    databases.push(name);
    return name;
  }

  /** Roles the tests' connectors made: members of the marker. Whatever they own, anywhere, goes with them. */
  async function dropManagedRoles(): Promise<void> {
    const { rows } = await superuser.query<{ name: string }>(
      `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = $1`,
      [marker],
    );
    for (const { name } of rows) {
      await superuser.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
      const owned = await superuser.query<{ datname: string }>(
        `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.refobjid
          WHERE s.refclassid = 'pg_authid'::regclass AND r.rolname = $1`,
        [name],
      );
      for (const { datname } of owned.rows) {
        if (datname !== database && !databases.includes(datname)) await inDatabase(datname, (client) => client.query(`DROP OWNED BY ${id(name)} CASCADE`));
      }
      await superuser.query(`DROP OWNED BY ${id(name)} CASCADE`);
      await superuser.query(`DROP ROLE ${id(name)}`);
    }
  }

  async function cleanup(): Promise<void> {
    await Promise.all(sessions.map((session) => session.end().catch(() => undefined)));
    try {
      for (const db of databases) await superuser.query(`DROP DATABASE IF EXISTS ${id(db)} WITH (FORCE)`);
      // First the admin's grant options, CASCADE taking whatever it granted onwards to the temporary logins.
      for (const role of [adminName, owner, bystander]) {
        await superuser.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
        await superuser.query(`DROP OWNED BY ${id(role)} CASCADE`);
      }
      await dropManagedRoles();
      await superuser.query(`DROP SCHEMA IF EXISTS ${id(schema)} CASCADE`);
      for (const role of [adminName, bystander, marker, owner]) await superuser.query(`DROP ROLE IF EXISTS ${id(role)}`);
    } finally {
      await superuser.end();
    }
  }

  return {
    suffix,
    superuser,
    schema,
    owner,
    marker,
    admin: { name: adminName, url: urlAs(adminName, ADMIN_PASSWORD) },
    bystander,
    database,
    urlAs,
    connectAs,
    createDatabase,
    inDatabase,
    cleanup,
  };
}

/** The SQLSTATE a query fails with, or the rows it returns. */
export async function attempt(client: Client, text: string, values: unknown[] = []): Promise<{ state: string } | { rows: Record<string, unknown>[] }> {
  try {
    return { rows: (await client.query(text, values)).rows };
  } catch (error) {
    return { state: (error as { code?: string }).code ?? `no SQLSTATE: ${String(error)}` };
  }
}
