import { setTimeout as sleep } from 'node:timers/promises';
import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import { silentLogger } from '../../../../src/connector/log';
import { DriverError, type Driver, type GrantAccess } from '../../../../src/connector/drivers/driver';
import { mysqlDriver } from '../../../../src/connector/drivers/mysql';
import { describeWith, uniqueSuffix } from '../../../support/servers';

const ER_ACCESS_DENIED = 1045;
/**
 * A refused login after the account is dropped: 1045, or 1698 (ER_ACCESS_DENIED_NO_PASSWORD_ERROR), which
 * MariaDB 10.11 was seen to answer for a just-dropped account while other tests changed accounts in parallel.
 */
const REFUSED = [ER_ACCESS_DENIED, 1698];
const ER_DBACCESS_DENIED = 1044;
const ER_TABLEACCESS_DENIED = 1142;
const ER_ACCOUNT_LOCKED = 4151; // MariaDB; MySQL 8 says 3118

describeWith('mysql', 'MySQL/MariaDB driver (real server)', (url) => {
  const sfx = uniqueSuffix();
  const table = `t_${sfx}`;
  const otherTable = `o_${sfx}`;
  const readRole = `r_${sfx}`;
  const customer = `cust_${sfx}`;
  const customerPassword = 'Cust-pw-1';
  const server = new URL(url);
  /** The test database: the one in the server URL (jit_test unless the environment names another). */
  const db = decodeURIComponent(server.pathname.slice(1));
  const access = {
    read: { memberOf: [], privileges: [`SELECT ON ${db}.${table}`] },
    viaRole: { memberOf: [readRole], privileges: [] },
  };
  let admin: Connection;
  let driver: Driver;
  let n = 0;

  /** A fresh login name with this file's suffix, so parallel runs never meet. */
  const loginName = (label: string): string => `jit_${label}${n++}_${sfx}`;

  const connectAs = (user: string, password: string, database: string | undefined = db): Promise<Connection> =>
    mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user, password, database });

  async function connectErrno(user: string, password: string, database?: string): Promise<number | undefined> {
    try {
      const connection = await connectAs(user, password, database);
      await connection.end();
      return undefined;
    } catch (error) {
      return z.object({ errno: z.number() }).parse(error).errno;
    }
  }

  async function queryErrno(connection: Connection, sql: string): Promise<number | undefined> {
    try {
      await connection.query(sql);
      return undefined;
    } catch (error) {
      return z.object({ errno: z.number() }).parse(error).errno;
    }
  }

  function ephemeral(name: string, overrides: Partial<GrantAccess> = {}): GrantAccess {
    return {
      name,
      mode: 'ephemeral',
      access: access.read,
      grantId: `SD-1.${name}`,
      password: `pw-${name}-Aa1`,
      notAfter: new Date(Date.now() + 3_600_000),
      enabled: true,
      ...overrides,
    };
  }

  const accountCount = async (user: string): Promise<number> => {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM mysql.global_priv WHERE User = ?', [user]);
    return z.array(z.object({ n: z.coerce.number() })).parse(rows)[0]?.n ?? -1;
  };

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: url });
    await admin.query('CREATE TABLE ?? (id INT PRIMARY KEY)', [table]);
    await admin.query('CREATE TABLE ?? (id INT PRIMARY KEY)', [otherTable]);
    await admin.query('INSERT INTO ?? VALUES (1), (2)', [table]);
    await admin.query('CREATE ROLE ??', [readRole]);
    await admin.query('GRANT SELECT ON ??.?? TO ??', [db, table, readRole]);
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [customer, '%', customerPassword]);
    driver = mysqlDriver.create({ id: 'mysql-test', url, access }, silentLogger());
  });

  afterAll(async () => {
    await driver.close();
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE User LIKE ?', [`%${sfx}%`]);
    for (const { user, host } of z.array(z.object({ user: z.string(), host: z.string() })).parse(rows)) {
      await admin.query(host === '' ? 'DROP ROLE ??' : 'DROP USER ?@?', host === '' ? [user] : [user, host]);
    }
    const [events] = await admin.query('SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME LIKE ?', [db, `%${sfx}%`]);
    for (const { name } of z.array(z.object({ name: z.string() })).parse(events)) await admin.query('DROP EVENT ??.??', [db, name]);
    await admin.query('DROP TABLE ??, ??', [table, otherTable]);
    await admin.end();
  });

  test('an ephemeral login can do exactly what its level allows, and after revoke nothing', async () => {
    const name = loginName('e');
    const request = ephemeral(name);
    await expect(driver.grant(request)).resolves.toEqual({ username: name, created: true });

    const session = await connectAs(name, request.password ?? '');
    const [rows] = await session.query('SELECT id FROM ?? ORDER BY id', [table]);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await queryErrno(session, `INSERT INTO ${table} VALUES (3)`)).toBe(ER_TABLEACCESS_DENIED);
    expect(await queryErrno(session, `SELECT * FROM ${otherTable}`)).toBe(ER_TABLEACCESS_DENIED);
    expect(await queryErrno(session, 'CREATE DATABASE nope_db')).toBe(ER_DBACCESS_DENIED);

    await expect(driver.revoke(request)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
    session.destroy();
    expect(REFUSED).toContain(await connectErrno(name, request.password ?? ''));
    expect(await accountCount(name)).toBe(0);
  });

  test('the stored verifier is the server\'s own PASSWORD() of the password, and the login is tagged', async () => {
    const name = loginName('h');
    const request = ephemeral(name, { password: 'ünï"cøde \' pw' });
    await driver.grant(request);
    const [rows] = await admin.query(
      "SELECT JSON_VALUE(Priv, '$.authentication_string') = PASSWORD(?) AS same, JSON_VALUE(Priv, '$.jit_managed.grantId') AS grantId FROM mysql.global_priv WHERE User = ? AND Host = '%'",
      [request.password, name],
    );
    expect(rows).toEqual([{ same: 1, grantId: request.grantId }]);
    await expect(driver.listManaged({})).resolves.toMatchObject({
      logins: expect.arrayContaining([{ name, grantId: request.grantId }]),
    });
    await driver.revoke(request);
  });

  test('roles in memberOf are granted and active at login without SET ROLE', async () => {
    const name = loginName('r');
    const request = ephemeral(name, { access: access.viaRole });
    await driver.grant(request);
    const session = await connectAs(name, request.password ?? '');
    const [rows] = await session.query('SELECT COUNT(*) AS n FROM ??', [table]);
    expect(rows).toEqual([{ n: 2 }]);
    expect(await queryErrno(session, `SELECT * FROM ${otherTable}`)).toBe(ER_TABLEACCESS_DENIED);
    await session.end();
    await driver.revoke(request);
  });

  test('a retried grant rotates the password: only the last one works', async () => {
    const name = loginName('p');
    const first = ephemeral(name, { password: 'First-pw-1' });
    const second = ephemeral(name, { password: 'Second-pw-2' });
    await expect(driver.grant(first)).resolves.toEqual({ username: name, created: true });
    await expect(driver.grant(second)).resolves.toEqual({ username: name, created: false });
    expect(REFUSED).toContain(await connectErrno(name, 'First-pw-1'));
    expect(await connectErrno(name, 'Second-pw-2')).toBeUndefined();
    await driver.revoke(second);
  });

  test('enabled:false creates the login locked; enable opens it', async () => {
    const name = loginName('l');
    const request = ephemeral(name, { enabled: false });
    await driver.grant(request);
    expect(await connectErrno(name, request.password ?? '')).toBe(ER_ACCOUNT_LOCKED);
    await driver.enable(request);
    expect(await connectErrno(name, request.password ?? '')).toBeUndefined();
    await driver.revoke(request);
  });

  test('revoke of a login that is not there reports existed:false', async () => {
    await expect(driver.revoke(ephemeral(loginName('x')))).resolves.toEqual({ existed: false, sessionsTerminated: 0 });
  });

  test('terminateSessions ends every session of a login', async () => {
    const name = loginName('s');
    const request = ephemeral(name);
    await driver.grant(request);
    const sessions = [await connectAs(name, request.password ?? ''), await connectAs(name, request.password ?? '')];
    await expect(driver.terminateSessions({ username: name })).resolves.toEqual({ terminated: 2 });
    for (const session of sessions) {
      await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
      session.destroy();
    }
    await driver.revoke(request);
  });

  test('a login of the same name that is not managed is never touched', async () => {
    const name = loginName('u');
    await admin.query("CREATE USER ?@'%' IDENTIFIED BY 'Theirs-pw-1'", [name]);
    const [before] = await admin.query('SELECT Priv FROM mysql.global_priv WHERE User = ?', [name]);

    await expect(driver.grant(ephemeral(name))).rejects.toMatchObject({ name: 'DriverError', code: 'conflict', retryable: false });
    await expect(driver.revoke(ephemeral(name))).rejects.toMatchObject({ name: 'DriverError', code: 'not_managed' });
    await expect(driver.enable(ephemeral(name))).rejects.toMatchObject({ code: 'not_managed' });
    await expect(driver.extend({ ...ephemeral(name), notAfter: new Date(Date.now() + 7_200_000) })).rejects.toMatchObject({ code: 'not_managed' });

    const [after] = await admin.query('SELECT Priv FROM mysql.global_priv WHERE User = ?', [name]);
    expect(after).toEqual(before);
    expect(await connectErrno(name, 'Theirs-pw-1', '')).toBeUndefined();
    const managed = await driver.listManaged({});
    expect(managed.logins.map((login) => login.name)).not.toContain(name);
  });

  test.each([
    ['quotes', `q'"${sfx}`],
    ['backticks and semicolons', `b\`;--${sfx}`],
    ['backslashes and percent', `c\\%_${sfx}`],
    ['unicode', `ü名✓ ${sfx}`],
    ['32 characters', `jit_${sfx}`.padEnd(32, 'z')],
  ])('a name with %s is quoted correctly through grant, login and revoke', async (_label, name) => {
    const request = ephemeral(name);
    await driver.grant(request);
    const session = await connectAs(name, request.password ?? '');
    const [rows] = await session.query('SELECT CURRENT_USER() AS me');
    expect(rows).toEqual([{ me: `${name}@%` }]);
    await expect(driver.revoke(request)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });
    session.destroy();
    expect(await accountCount(name)).toBe(0);
  });

  test('names longer than 32 characters and bad access levels are refused before anything is created', async () => {
    const long = `jit_${sfx}`.padEnd(33, 'z');
    await expect(driver.grant(ephemeral(long))).rejects.toMatchObject({ code: 'failed' });
    const name = loginName('i');
    await expect(
      driver.grant(ephemeral(name, { access: { memberOf: [], privileges: ['SELECT ON *.*'] } })),
    ).rejects.toMatchObject({ code: 'invalid_access', retryable: false });
    await expect(
      driver.grant(ephemeral(name, { access: { memberOf: [readRole, `${readRole}_2`], privileges: [] } })),
    ).rejects.toMatchObject({ code: 'invalid_access' });
    expect(await accountCount(name)).toBe(0);
    expect(await accountCount(long)).toBe(0);
  });

  test('a role that does not exist is an invalid_access error', async () => {
    const name = loginName('n');
    const request = ephemeral(name, { access: { memberOf: [`missing_${sfx}`], privileges: [] } });
    await expect(driver.grant(request)).rejects.toMatchObject({ code: 'invalid_access' });
    await driver.revoke(request);
  });

  describe('existing-login mode', () => {
    const existing = (name: string, dbUser: string | undefined = customer): GrantAccess => ({
      ...ephemeral(name, { password: undefined }),
      mode: 'existing-login',
      dbUser,
    });

    test('grants the level to the customer login through a managed role, then takes exactly that away', async () => {
      const name = loginName('g');
      await admin.query('GRANT SELECT ON ??.?? TO ?@?', [db, otherTable, customer, '%']);
      expect(await connectErrno(customer, customerPassword)).toBeUndefined();

      await expect(driver.grant(existing(name))).resolves.toEqual({ username: customer, created: true });
      const session = await connectAs(customer, customerPassword);
      const [rows] = await session.query('SELECT COUNT(*) AS n FROM ??', [table]);
      expect(rows).toEqual([{ n: 2 }]);
      await expect(driver.listManaged({})).resolves.toMatchObject({
        logins: expect.arrayContaining([{ name, grantId: `SD-1.${name}` }]),
      });

      await expect(driver.revoke(existing(name))).resolves.toEqual({ existed: true, sessionsTerminated: 1 });
      await expect(session.query('SELECT 1')).rejects.toMatchObject({ fatal: true });
      session.destroy();

      const again = await connectAs(customer, customerPassword);
      expect(await queryErrno(again, `SELECT * FROM ${table}`)).toBe(ER_TABLEACCESS_DENIED);
      // What the login had before is still there.
      await expect(again.query('SELECT COUNT(*) AS n FROM ??', [otherTable])).resolves.toBeDefined();
      await again.end();
      const [priv] = await admin.query('SELECT JSON_VALUE(Priv, "$.default_role") AS role FROM mysql.global_priv WHERE User = ?', [customer]);
      expect(priv).toEqual([{ role: '' }]);
      expect(await accountCount(name)).toBe(0);
      await expect(driver.revoke(existing(name))).resolves.toEqual({ existed: false, sessionsTerminated: 0 });
    });

    test('enabled:false prepares the role without giving it; enable gives it', async () => {
      const name = loginName('d');
      await driver.grant({ ...existing(name), enabled: false });
      const before = await connectAs(customer, customerPassword);
      expect(await queryErrno(before, `SELECT * FROM ${table}`)).toBe(ER_TABLEACCESS_DENIED);
      await before.end();
      await driver.enable(existing(name));
      const after = await connectAs(customer, customerPassword);
      await expect(after.query('SELECT COUNT(*) AS n FROM ??', [table])).resolves.toBeDefined();
      await after.end();
      await driver.revoke(existing(name));
    });

    test('a customer login that does not exist is invalid_access, and nothing is created', async () => {
      const name = loginName('m');
      await expect(driver.grant(existing(name, `nobody_${sfx}`))).rejects.toMatchObject({ code: 'invalid_access' });
      await expect(driver.grant({ ...existing(name), dbUser: undefined })).rejects.toMatchObject({ code: 'invalid_access' });
      expect(await accountCount(name)).toBe(0);
    });
  });

  describe('lock event', () => {
    let previous = 'OFF';

    beforeAll(async () => {
      const [rows] = await admin.query('SELECT @@GLOBAL.event_scheduler AS value');
      previous = z.array(z.object({ value: z.string() })).parse(rows)[0]?.value ?? 'OFF';
      await admin.query('SET GLOBAL event_scheduler = ON');
    });

    afterAll(async () => {
      await admin.query(`SET GLOBAL event_scheduler = ${previous === 'ON' ? 'ON' : 'OFF'}`);
    });

    const eventAt = async (name: string): Promise<string[]> => {
      await admin.query("SET time_zone = '+00:00'");
      const [rows] = await admin.query(
        "SELECT DATE_FORMAT(EXECUTE_AT, '%Y-%m-%d %H:%i:%s') AS at FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?",
        [db, `jit_lock_${name}`],
      );
      return z.array(z.object({ at: z.string() })).parse(rows).map((row) => row.at);
    };

    test('the database locks the login at notAfter by itself, without a revoke', async () => {
      const name = loginName('t');
      const request = ephemeral(name, { notAfter: new Date(Date.now() + 2000) });
      await driver.grant(request);
      expect(await connectErrno(name, request.password ?? '')).toBeUndefined();
      let errno: number | undefined;
      for (let i = 0; i < 40 && errno === undefined; i++) {
        await sleep(250);
        errno = await connectErrno(name, request.password ?? '');
      }
      expect(errno).toBe(ER_ACCOUNT_LOCKED);
      expect(await eventAt(name)).toEqual([]);
      await expect(driver.revoke(request)).resolves.toEqual({ existed: true, sessionsTerminated: 0 });
    });

    test('extend moves the event (UTC) and revoke drops it', async () => {
      const name = loginName('v');
      const notAfter = new Date('2037-01-02T03:04:05.678Z');
      await driver.grant(ephemeral(name, { notAfter }));
      expect(await eventAt(name)).toEqual(['2037-01-02 03:04:05']);
      await driver.extend({ ...ephemeral(name), notAfter: new Date('2037-02-03T04:05:06Z') });
      expect(await eventAt(name)).toEqual(['2037-02-03 04:05:06']);
      await driver.revoke(ephemeral(name));
      expect(await eventAt(name)).toEqual([]);
    });
  });

  test('health reports reachability and never throws; an unreachable server is a retryable error', async () => {
    await expect(driver.health({})).resolves.toMatchObject({ reachable: true });
    const down = mysqlDriver.create({ id: 'down', url: 'mysql://root@127.0.0.1:1/jit_test', access }, silentLogger());
    const health = await down.health({});
    expect(health.reachable).toBe(false);
    const error = await down.revoke(ephemeral('jit_any')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DriverError);
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
    await down.close();
  });
});
