import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import type { AccessSpec, Driver } from '../../../src/connector/drivers/driver';
import { mysqlDriver } from '../../../src/connector/drivers/mysql';
import { silentLogger } from '../../../src/connector/log';
import { describeWith, uniqueSuffix } from '../../support/servers';

const ER_TABLEACCESS_DENIED = 1142;
const ER_COLUMNACCESS_DENIED = 1143;
const ER_PROCACCESS_DENIED = 1370;
const DENIED = [ER_TABLEACCESS_DENIED, ER_COLUMNACCESS_DENIED];

/**
 * A level that leaves `email` out of its column list, on MySQL/MariaDB: whatever the temporary login tries,
 * the server refuses to show the column or anything computed from it. After the revocation the server's grant
 * tables hold no column privilege of the login.
 */
describeWith('mysql', 'hostile: a column-scoped level never reads the columns it leaves out (MySQL/MariaDB)', (url) => {
  const sfx = uniqueSuffix();
  const server = new URL(url);
  const db = decodeURIComponent(server.pathname.slice(1));
  const table = `cust_${sfx}`;
  const access: AccessSpec = { memberOf: [], privileges: [`SELECT (id, name), UPDATE (name) ON ${db}.${table}`] };
  let admin: Connection;
  let driver: Driver;
  const sessions: Connection[] = [];

  const columnGrants = async (user: string): Promise<number> => {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM mysql.columns_priv WHERE User = ?', [user]);
    return z.array(z.object({ n: z.coerce.number() })).parse(rows)[0]?.n ?? -1;
  };

  async function outcome(session: Connection, statement: string): Promise<unknown> {
    try {
      const [rows] = await session.query(statement);
      return rows;
    } catch (error) {
      return z.object({ errno: z.number() }).parse(error).errno;
    }
  }

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: url });
    await admin.query('CREATE TABLE ?? (id INT PRIMARY KEY, name VARCHAR(40), email VARCHAR(80))', [table]);
    await admin.query("INSERT INTO ?? VALUES (1, 'one', 'one@secret.example'), (2, 'two', 'two@secret.example')", [table]);
    await admin.query('CREATE OR REPLACE VIEW ?? AS SELECT id, email FROM ??', [`v_${table}`, table]);
    await admin.query('CREATE FUNCTION ?? () RETURNS VARCHAR(80) SQL SECURITY INVOKER READS SQL DATA RETURN (SELECT email FROM ?? LIMIT 1)', [`f_${table}`, table]);
    driver = mysqlDriver.create({ id: 'mysql-columns', url, access: { level: access } }, silentLogger());
  });

  afterAll(async () => {
    for (const session of sessions) session.destroy();
    await driver?.close();
    await admin.query('DROP FUNCTION IF EXISTS ??', [`f_${table}`]);
    await admin.query('DROP VIEW IF EXISTS ??', [`v_${table}`]);
    await admin.query('DROP TABLE IF EXISTS ??', [table]);
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE User LIKE ?', [`%${sfx}%`]);
    for (const { user, host } of z.array(z.object({ user: z.string(), host: z.string() })).parse(rows)) await admin.query('DROP USER ?@?', [user, host]);
    await admin.end();
  });

  test('reads and updates the columns it was given, and nothing that reveals email', async () => {
    const name = `jit_c_${sfx}`;
    const request = { name, mode: 'ephemeral' as const, access, grantId: `COL-${sfx}`, password: `pw-${sfx}-Aa1`, notAfter: new Date(Date.now() + 3_600_000), enabled: true };
    await driver.grant(request);
    const session = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: name, password: request.password, database: db });
    sessions.push(session);

    expect(await outcome(session, `SELECT id, name FROM ${table} ORDER BY id`)).toEqual([{ id: 1, name: 'one' }, { id: 2, name: 'two' }]);
    expect(await outcome(session, `UPDATE ${table} SET name = 'renamed' WHERE id = 2`)).toMatchObject({ affectedRows: 1 });
    for (const statement of [
      `SELECT * FROM ${table}`,
      `SELECT email FROM ${table}`,
      `SELECT t.* FROM ${table} t`,
      `SELECT id FROM ${table} WHERE email LIKE 'one%'`,
      `SELECT id FROM ${table} ORDER BY email`,
      `SELECT UPPER(email) FROM ${table}`,
      `SELECT GROUP_CONCAT(email) FROM ${table}`,
      `SELECT JSON_OBJECT('e', email) FROM ${table}`,
      `SELECT (SELECT email FROM ${table} LIMIT 1)`,
      `WITH x AS (SELECT email FROM ${table}) SELECT * FROM x`,
      `SELECT * FROM v_${table}`,
      `UPDATE ${table} SET name = email WHERE id = 1`,
      `UPDATE ${table} SET email = 'attacker@example.com' WHERE id = 1`,
      `INSERT INTO ${table} (id, name) VALUES (9, 'x')`,
      `DELETE FROM ${table} WHERE id = 1`,
    ]) {
      const result = await outcome(session, statement);
      expect([statement, typeof result === 'number' && DENIED.includes(result) ? 'denied' : result]).toEqual([statement, 'denied']);
    }
    // The invoker's function has no EXECUTE grant here, and would read email with the login's rights if it had.
    expect(await outcome(session, `SELECT f_${table}()`)).toBe(ER_PROCACCESS_DENIED);
    const [columns] = await session.query('SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY 1', [db, table]);
    expect(columns).toEqual([{ c: 'id' }, { c: 'name' }]);

    expect(await columnGrants(name)).toBe(2); // one row per column: id (Select), name (Select,Update)
    await driver.revoke(request);
    await expect(driver.verifyRevoked(request)).resolves.toEqual({ remaining: [] });
    expect(await columnGrants(name)).toBe(0);
  });

  test('an existing login gets the column grants through a managed role, and keeps none of them', async () => {
    const customer = `cu_${sfx}`;
    const password = 'Cust-pw-1';
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [customer, '%', password]);
    const name = `jit_cr_${sfx}`;
    const request = { name, mode: 'existing-login' as const, dbUser: customer, access, grantId: `COLR-${sfx}`, notAfter: new Date(Date.now() + 3_600_000), enabled: true };
    await driver.grant(request);
    const session = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: customer, password, database: db });
    sessions.push(session);
    expect(await outcome(session, `SELECT id FROM ${table} WHERE id = 1`)).toEqual([{ id: 1 }]);
    expect(await outcome(session, `SELECT email FROM ${table} WHERE id = 1`)).toBe(ER_COLUMNACCESS_DENIED);
    expect(await columnGrants(name)).toBe(2);

    await driver.revoke(request);
    await expect(driver.verifyRevoked(request)).resolves.toEqual({ remaining: [] });
    expect(await columnGrants(name)).toBe(0);
    // With nothing left on the database, the login may not even open it; its table is refused by name.
    const after = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: customer, password });
    sessions.push(after);
    expect(DENIED).toContain(await outcome(after, `SELECT id FROM \`${db}\`.${table} WHERE id = 1`));
  });
});
