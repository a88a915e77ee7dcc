import { Client } from 'pg';
import { silentLogger } from '../../src/connector/log';
import { type GrantAccess, type ManagedRef } from '../../src/connector/drivers/driver';
import { PostgresDriver } from '../../src/connector/drivers/postgres/driver';
import { describeWith, uniqueSuffix } from '../support/servers';
import { docBlock, withNames } from './support/doc-blocks';

const HOUR = 3_600_000;

/**
 * The PostgreSQL admin recipe of docs/connector.md, run as written (with this file's own names) on the real
 * server: a non-superuser admin, then the driver's whole grant and revoke cycle through it.
 *
 * PostgreSQL 15 and earlier let a CREATEROLE admin create and drop roles but not REASSIGN OWNED / DROP OWNED
 * BY them unless it is a member, and the driver does not make it one yet: there the revoke ends access (the
 * login is disabled, its sessions terminated) and then fails with 42501, leaving the disabled role behind, as
 * docs/connector.md says. From PostgreSQL 16 the doc's createrole_self_grant line makes the admin a member of
 * every role it creates, and the whole cycle succeeds.
 */
describeWith('postgres', 'PostgreSQL least-privilege admin as docs/connector.md describes it', (url) => {
  const sfx = uniqueSuffix();
  const names = {
    jit_admin: `jit_adm_${sfx}`,
    orders_owner: `jit_own_${sfx}`,
    orders_read: `jit_grp_${sfx}`,
    public: `jit_lp_${sfx}`,
  };
  const schema = names.public;
  const marker = `jit_mk_${sfx}`;
  const customer = `jit_cust_${sfx}`;
  let superuser: Client;
  let driver: PostgresDriver;
  let selfGrant = false;
  const sessions: Client[] = [];

  const adminUrl = () => {
    const address = new URL(url);
    address.username = names.jit_admin;
    address.password = 'change-me';
    return address.toString();
  };

  async function connectAs(user: string, password: string): Promise<Client> {
    const address = new URL(url);
    address.username = user;
    address.password = password;
    const client = new Client({ connectionString: address.toString() });
    client.on('error', () => undefined);
    await client.connect();
    sessions.push(client);
    return client;
  }

  const request = (level: 'read' | 'write' | 'ddl', extra: Partial<GrantAccess> = {}): GrantAccess => ({
    name: `jit_lp_${level}_${sfx}`,
    mode: 'ephemeral',
    grantId: `LP-${level}`,
    password: `pw-${sfx}-${level}`,
    notAfter: new Date(Date.now() + HOUR),
    enabled: true,
    access: access[level],
    ...extra,
  });
  const access = {
    read: { memberOf: [names.orders_read], privileges: [] },
    write: { memberOf: [], privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT, INSERT, UPDATE ON TABLE ${schema}.orders`] },
    ddl: { memberOf: [], privileges: [`USAGE, CREATE ON SCHEMA ${schema}`] },
  };

  beforeAll(async () => {
    superuser = new Client({ connectionString: url });
    await superuser.connect();
    // What the database already has before the connector arrives: an owner role, a read group, a table.
    await superuser.query(`CREATE ROLE ${names.orders_owner} NOLOGIN`);
    await superuser.query(`CREATE ROLE ${names.orders_read} NOLOGIN`);
    await superuser.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${names.orders_owner}`);
    await superuser.query(`CREATE TABLE ${schema}.orders (id int PRIMARY KEY, total numeric)`);
    await superuser.query(`ALTER TABLE ${schema}.orders OWNER TO ${names.orders_owner}`);
    await superuser.query(`INSERT INTO ${schema}.orders VALUES (1, 10), (2, 20)`);
    await superuser.query(`GRANT USAGE ON SCHEMA ${schema} TO ${names.orders_read}`);
    await superuser.query(`GRANT SELECT ON ${schema}.orders TO ${names.orders_read}`);
    await superuser.query(`CREATE ROLE ${customer} LOGIN PASSWORD 'cust-pw'`);

    await superuser.query(withNames(docBlock('docs/connector.md', 'postgres-admin'), names));
    const version = await superuser.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    selfGrant = Number(version.rows[0]?.v) >= 160000;
    if (selfGrant) await superuser.query(withNames(docBlock('docs/connector.md', 'postgres-admin-16'), names));
    driver = new PostgresDriver({ id: 'lp', url: adminUrl(), owner: names.orders_owner, marker, access }, silentLogger());
  });

  afterAll(async () => {
    await driver?.close();
    await Promise.all(sessions.map((session) => session.end().catch(() => undefined)));
    try {
      await superuser.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      const { rows } = await superuser.query<{ name: string }>(
        `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = $1`,
        [marker],
      );
      for (const { name } of rows) await superuser.query(`DROP OWNED BY "${name}"; DROP ROLE "${name}"`);
      await superuser.query(`DROP OWNED BY ${names.jit_admin}`);
      for (const role of [customer, marker, names.jit_admin, names.orders_read, names.orders_owner]) await superuser.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await superuser.end();
    }
  });

  /** The full revoke, with the admin as the doc creates it: the login is gone and no session is left. */
  async function revokes(ref: ManagedRef, login: string): Promise<void> {
    await expect(driver.revoke(ref)).resolves.toMatchObject({ existed: true });
    expect((await superuser.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ref.name])).rows).toEqual([]);
    const open = await superuser.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [login]);
    expect(open.rows).toEqual([{ n: 0 }]);
  }

  it('makes an admin that is not a superuser', async () => {
    const { rows } = await superuser.query('SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = $1', [names.jit_admin]);
    expect(rows).toEqual([{ rolsuper: false, rolcreaterole: true, rolcreatedb: false, rolbypassrls: false }]);
  });

  it('grants through group membership and through privileges, each login limited to its level', async () => {
    const read = request('read');
    const write = request('write');
    await expect(driver.grant(read)).resolves.toEqual({ username: read.name, created: true });
    await expect(driver.grant(write)).resolves.toEqual({ username: write.name, created: true });

    const reader = await connectAs(read.name, read.password ?? '');
    expect((await reader.query(`SELECT count(*)::int AS n FROM ${schema}.orders`)).rows).toEqual([{ n: 2 }]);
    await expect(reader.query(`INSERT INTO ${schema}.orders VALUES (3, 30)`)).rejects.toMatchObject({ code: '42501' });
    const writer = await connectAs(write.name, write.password ?? '');
    await writer.query(`INSERT INTO ${schema}.orders VALUES (3, 30)`);
    await expect(writer.query(`DELETE FROM ${schema}.orders`)).rejects.toMatchObject({ code: '42501' });
  });

  it('revokes: ends the open session, hands created objects to the owner role, drops the login', async () => {
    const ddl = request('ddl');
    await driver.grant(ddl);
    const session = await connectAs(ddl.name, ddl.password ?? '');
    await session.query(`CREATE TABLE ${schema}.scratch (n int)`);

    await revokes(ddl, ddl.name);

    await expect(session.query('SELECT 1')).rejects.toThrow();
    expect((await superuser.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [ddl.name])).rows).toEqual([]);
    const owner = await superuser.query('SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, 'scratch']);
    expect(owner.rows).toEqual([{ tableowner: names.orders_owner }]);
  });

  it('revokes the logins granted earlier, through membership and through privileges', async () => {
    for (const level of ['read', 'write'] as const) await revokes(request(level), request(level).name);
    const left = (await driver.listManaged({})).logins.map((login) => login.name).sort();
    expect(left).toEqual([]);
  });

  it('grants and revokes in existing-login mode without altering the customer login', async () => {
    const grant = request('read', { name: `jit_lp_el_${sfx}`, mode: 'existing-login', dbUser: customer, password: undefined });
    await expect(driver.grant(grant)).resolves.toEqual({ username: customer, created: true });
    const session = await connectAs(customer, 'cust-pw');
    expect((await session.query(`SELECT count(*)::int AS n FROM ${schema}.orders`)).rows).toEqual([{ n: 3 }]);

    await revokes(grant, customer);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    const again = await connectAs(customer, 'cust-pw');
    await expect(again.query(`SELECT count(*) FROM ${schema}.orders`)).rejects.toMatchObject({ code: '42501' });
  });
});
