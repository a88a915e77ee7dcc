import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import type { Driver, GrantAccess } from '../../src/connector/drivers/driver';
import { mysqlDriver } from '../../src/connector/drivers/mysql';
import { silentLogger } from '../../src/connector/log';
import { describeWith, uniqueSuffix } from '../support/servers';
import { docBlock, withNames } from './support/doc-blocks';

const ER_TABLEACCESS_DENIED = 1142;

/** The MySQL/MariaDB admin recipe of docs/connector.md, run as written (with this file's own names), then the driver's cycle through it. */
describeWith('mysql', 'MySQL/MariaDB least-privilege admin as docs/connector.md describes it', (url) => {
  const sfx = uniqueSuffix();
  const names = { jit_admin: `jit_ma_${sfx}`, shop_read: `jit_sr_${sfx}`, shop: `jit_shop_${sfx}`, jit_connector: `jit_cn_${sfx}` };
  const customer = `jit_mc_${sfx}`;
  const server = new URL(url);
  const access = {
    read: { memberOf: [names.shop_read], privileges: [] },
    write: { memberOf: [], privileges: [`SELECT, INSERT ON ${names.shop}.*`] },
  };
  let root: Connection;
  let driver: Driver;
  const sessions: Connection[] = [];

  const connectAs = async (user: string, password: string): Promise<Connection> => {
    const connection = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user, password });
    connection.on('error', () => undefined);
    sessions.push(connection);
    return connection;
  };
  const request = (level: 'read' | 'write', extra: Partial<GrantAccess> = {}): GrantAccess => ({
    name: `jit_${level}_${sfx}`,
    mode: 'ephemeral',
    grantId: `LP-${level}`,
    password: `Pw-${sfx}-${level}`,
    notAfter: new Date(Date.now() + 3_600_000),
    enabled: true,
    access: access[level],
    ...extra,
  });
  const errnoOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => z.object({ errno: z.number() }).parse(error).errno);

  beforeAll(async () => {
    root = await mysql.createConnection({ uri: url, multipleStatements: true });
    await root.query(`CREATE DATABASE ${names.shop}`);
    await root.query(`CREATE TABLE ${names.shop}.orders (id INT PRIMARY KEY)`);
    await root.query(`INSERT INTO ${names.shop}.orders VALUES (1), (2)`);
    await root.query(`CREATE ROLE ${names.shop_read}`);
    await root.query(`GRANT SELECT ON ${names.shop}.* TO ${names.shop_read}`);
    await root.query(`CREATE USER ?@'%' IDENTIFIED BY 'Cust-pw-1'`, [customer]);
    await root.query(withNames(docBlock('docs/connector.md', 'mariadb-admin'), names));
    const adminUrl = new URL(url);
    adminUrl.username = names.jit_admin;
    adminUrl.password = 'change-me';
    adminUrl.pathname = `/${names.jit_connector}`;
    driver = mysqlDriver.create({ id: 'lp', url: adminUrl.toString(), access }, silentLogger());
  });

  afterAll(async () => {
    await driver?.close();
    for (const session of sessions) session.destroy();
    try {
      const [rows] = await root.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE User LIKE ?', [`%${sfx}%`]);
      for (const { user, host } of z.array(z.object({ user: z.string(), host: z.string() })).parse(rows)) {
        await root.query(host === '' ? 'DROP ROLE ??' : 'DROP USER ?@?', host === '' ? [user] : [user, host]);
      }
      await root.query(`DROP DATABASE IF EXISTS ${names.shop}; DROP DATABASE IF EXISTS ${names.jit_connector}`);
    } finally {
      await root.end();
    }
  });

  it('makes an admin without SUPER, global SELECT or GRANT OPTION on *.*', async () => {
    const [rows] = await root.query('SHOW GRANTS FOR ?@?', [names.jit_admin, '%']);
    const grants = z.array(z.record(z.string(), z.string())).parse(rows).map((row) => Object.values(row)[0] ?? '');
    const global = grants.find((grant) => grant.includes(' ON *.* '));
    expect(global).toMatch(/^GRANT PROCESS, CREATE USER, CONNECTION ADMIN ON \*\.\* TO /);
    expect(global).not.toMatch(/WITH GRANT OPTION/);
  });

  it('grants through a role and through privileges, each login limited to its level', async () => {
    const read = request('read');
    const write = request('write');
    await expect(driver.grant(read)).resolves.toEqual({ username: read.name, created: true });
    await expect(driver.grant(write)).resolves.toEqual({ username: write.name, created: true });
    const reader = await connectAs(read.name, read.password ?? '');
    expect((await reader.query(`SELECT COUNT(*) AS n FROM ${names.shop}.orders`))[0]).toEqual([{ n: 2 }]);
    expect(await errnoOf(reader.query(`INSERT INTO ${names.shop}.orders VALUES (3)`))).toBe(ER_TABLEACCESS_DENIED);
    const writer = await connectAs(write.name, write.password ?? '');
    await writer.query(`INSERT INTO ${names.shop}.orders VALUES (3)`);
    expect(await errnoOf(writer.query(`DELETE FROM ${names.shop}.orders`))).toBe(ER_TABLEACCESS_DENIED);
  });

  it('revokes: locks, kills the open sessions, drops the logins', async () => {
    for (const level of ['read', 'write'] as const) {
      const ref = request(level);
      const open = await connectAs(ref.name, ref.password ?? '');
      await expect(driver.revoke(ref)).resolves.toMatchObject({ existed: true });
      await expect(open.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
      // 1045 access denied; 1698 when the server then matches the name against a passwordless account
      expect([1045, 1698]).toContain(await errnoOf(connectAs(ref.name, ref.password ?? '')));
    }
    await expect(driver.listManaged({})).resolves.toEqual({ logins: [] });
  });

  it('grants and revokes in existing-login mode, leaving the customer login as it was', async () => {
    const grant = request('read', { name: `jit_el_${sfx}`, mode: 'existing-login', dbUser: customer, password: undefined });
    await expect(driver.grant(grant)).resolves.toEqual({ username: customer, created: true });
    const session = await connectAs(customer, 'Cust-pw-1');
    expect((await session.query(`SELECT COUNT(*) AS n FROM ${names.shop}.orders`))[0]).toEqual([{ n: 3 }]);

    await expect(driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });
    const again = await connectAs(customer, 'Cust-pw-1');
    expect(await errnoOf(again.query(`SELECT COUNT(*) FROM ${names.shop}.orders`))).toBe(ER_TABLEACCESS_DENIED);
  });
});
