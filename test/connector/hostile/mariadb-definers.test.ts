import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { inSeconds, startTestConnector, type TestConnector } from '../support/harness';

const principal = { accountId: 'acc-mallory', email: 'mallory@example.com', dbUser: null };
const definedRows = z.array(z.object({ kind: z.string(), name: z.string() }));
const countRow = z.array(z.object({ n: z.union([z.number(), z.string()]).transform(Number) }));

/**
 * A temporary MariaDB login whose level may define objects (`ALL ON db.*`: TRIGGER, CREATE ROUTINE, CREATE
 * VIEW, EVENT) plants every kind of object that runs under a DEFINER. After the revocation nothing it defined
 * may be left: not a trigger that breaks everyone's INSERT, not a routine or view waiting for someone to use
 * it, not an event.
 */
describeWith('mysql', 'hostile requests on MariaDB: objects a login defines do not outlive it; names it cannot hold are refused', (adminUrl) => {
  const sfx = uniqueSuffix();
  const database = `jit_def_${sfx}`;
  const marker = `jit_m_${sfx}`;
  const server = new URL(adminUrl);
  const targetUrl = new URL(adminUrl);
  targetUrl.pathname = `/${database}`;
  const target = {
    id: `my-def-${sfx}`,
    engine: 'mysql' as const,
    url: targetUrl.toString(),
    environment: 'prod',
    marker,
    roles: { ddl: { memberOf: [], privileges: [`ALL ON ${database}.*`] } },
  };
  let admin: Connection;
  let connector: TestConnector;

  const definedBy = async (login: string) => {
    const definer = `${login}@%`;
    const [rows] = await admin.query(
      `SELECT 'EVENT' AS kind, EVENT_NAME AS name FROM information_schema.EVENTS WHERE DEFINER = ?
       UNION ALL SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE DEFINER = ?
       UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE DEFINER = ?
       UNION ALL SELECT 'VIEW', TABLE_NAME FROM information_schema.VIEWS WHERE DEFINER = ?`,
      [definer, definer, definer, definer],
    );
    return definedRows.parse(rows);
  };

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl, multipleStatements: false });
    await admin.query('CREATE DATABASE ??', [database]);
    await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY, total DECIMAL(10, 2))', [database]);
    await admin.query('CREATE TABLE ??.audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))', [database]);
    connector = await startTestConnector({ targets: [target] });
  });

  afterAll(async () => {
    await connector?.stop();
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
    for (const { user, host } of z.array(z.object({ user: z.string(), host: z.string() })).parse(rows)) await admin.query('DROP USER ?@?', [user, host]);
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
  });

  it('plants a trigger, DEFINER and INVOKER routines, a view and an event; revocation removes every one', async () => {
    const created = await connector.client.createGrant({ grantId: `DEF-${sfx}.1`, target: target.id, role: 'ddl', principal, mode: 'ephemeral', notAfter: inSeconds(600) });
    const session = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: created.username, password: created.password, database });
    session.on('error', () => undefined);
    // The trigger that, once its definer is gone, makes every INSERT on orders fail for everyone.
    await session.query("CREATE TRIGGER orders_spy BEFORE INSERT ON orders FOR EACH ROW INSERT INTO audit (note) VALUES ('seen')");
    await session.query('CREATE PROCEDURE as_me() SQL SECURITY DEFINER SELECT COUNT(*) FROM orders');
    await session.query('CREATE PROCEDURE as_caller() SQL SECURITY INVOKER DELETE FROM orders');
    await session.query('CREATE FUNCTION answer() RETURNS INT SQL SECURITY DEFINER RETURN (SELECT COUNT(*) FROM orders)');
    await session.query('CREATE VIEW all_orders AS SELECT * FROM orders');
    await session.query("CREATE EVENT keep_writing ON SCHEDULE EVERY 1 SECOND DO INSERT INTO audit (note) VALUES ('event')");
    expect((await definedBy(created.username)).map((row) => row.kind).sort()).toEqual(['EVENT', 'FUNCTION', 'PROCEDURE', 'PROCEDURE', 'TRIGGER', 'VIEW']);

    expect(await connector.client.revokeGrant(`DEF-${sfx}.1`)).toMatchObject({ state: 'revoked' });
    session.destroy();

    expect(await definedBy(created.username)).toEqual([]);
    // Everyone else's INSERT works again: no trigger with a missing definer is left on the table.
    await admin.query('INSERT INTO ??.orders VALUES (1, 10)', [database]);
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM ??.orders', [database]);
    expect(countRow.parse(rows)[0]?.n).toBe(1);
  });

  it('answers 422 for a dbUser MariaDB cannot hold as a login name, and records nothing', async () => {
    for (const [index, dbUser] of ['🔥', 'jose\u{1F600}', '\u{10348}ank'].entries()) {
      const grantId = `DEF-${sfx}.name${index}`;
      await expect(
        connector.client.createGrant({ grantId, target: target.id, role: 'ddl', principal: { ...principal, dbUser }, mode: 'existing-login', notAfter: inSeconds(600) }),
      ).rejects.toMatchObject({ status: 422 });
      await expect(connector.client.getGrant(grantId)).rejects.toMatchObject({ status: 404 });
    }
  });
});
