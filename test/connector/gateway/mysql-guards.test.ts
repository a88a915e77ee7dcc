import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mysql from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { clearMisreadModes } from '../../../src/connector/gateway/mysql/clear-misread-modes';
import { z } from 'zod';
import { describeWith } from '../../support/servers';
import { errnoOf, mysqlGatewayConnector } from './mysql-support';

const run = promisify(execFile);
const ER_SPECIFIC_ACCESS_DENIED = 1227;
const ER_READ_ONLY_TRANSACTION = 1792;

/** Every hostile statement is refused by the gateway: MySQL error 1227 naming the guard, and nothing run. */
async function refusedBy(session: Connection, guard: string, sql: string, values?: (string | number)[]): Promise<void> {
  const error = await (values ? session.execute(sql, values) : session.query(sql)).then(
    () => new Error(`ran: ${sql}`),
    (caught: unknown) => caught,
  );
  expect({ sql, errno: errnoOf(error), sqlState: (error as { sqlState?: string }).sqlState, message: (error as Error).message }).toEqual({
    sql,
    errno: ER_SPECIFIC_ACCESS_DENIED,
    sqlState: '42000',
    message: expect.stringContaining(`refused by the gateway's ${guard} guard`),
  });
}

describeWith('mysql', 'Guards on the MySQL wire', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl, {
      roles: (database) => ({
        ro: { memberOf: [], privileges: [`ALL PRIVILEGES ON ${database}.*`], guard: ['read-only'] },
        careful: { memberOf: [], privileges: [`ALL PRIVILEGES ON ${database}.*`], guard: ['no-drop', 'no-unqualified-write'] },
        noddl: { memberOf: [], privileges: [`ALL PRIVILEGES ON ${database}.*`], guard: ['no-ddl'] },
      }),
    });
    await env.admin.query('CREATE PROCEDURE ??.wipe() DELETE FROM orders', [env.database]);
    await env.admin.query('CREATE FUNCTION ??.bump() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO orders (id, total) VALUES (99, 0); RETURN 1; END', [env.database]);
  });

  afterAll(async () => {
    await env?.stop();
  });

  const orders = async () => {
    const [rows] = await env.admin.query('SELECT id, total, note FROM ??.orders ORDER BY id', [env.database]);
    return rows;
  };

  it('read-only: every write, however hidden, is refused before it reaches the database, and the record names the guard', async () => {
    const before = await orders();
    const grant = await env.grant('MG-1.1', { role: 'ro' });
    const session = await env.connect(grant.username, grant.password, { multipleStatements: true });
    const hostile = [
      'SELECT 1; DELETE FROM orders',
      "SELECT * FROM orders INTO OUTFILE '/tmp/jit-guard-outfile'",
      "SELECT * FROM orders INTO DUMPFILE '/tmp/jit-guard-dumpfile'",
      "LOAD DATA INFILE '/etc/hosts' INTO TABLE orders",
      'CALL wipe()',
      'HANDLER orders OPEN',
      'DO (SELECT 1)',
      "PREPARE s FROM 'DELETE FROM orders'",
      'EXECUTE s',
      'INSERT INTO orders SELECT id + 100, total, note, blob_col FROM orders',
      "REPLACE INTO orders VALUES (1, 0, 'x', NULL)",
      'INSERT INTO orders (id) VALUES (7) ON DUPLICATE KEY UPDATE total = 0',
      'CREATE TEMPORARY TABLE scratch (a INT)',
      '/*!DELETE FROM orders*/',
      '/*M!100000 DELETE FROM orders */',
      'SELECT 1 /*!50000 ; DELETE FROM orders */',
      'dElEtE/**/FROM orders WHERE id = 1',
      // `--1` is no comment to the server (it needs a space after the dashes): `1 - -1`, then the DELETE.
      'SELECT 1 --1; DELETE FROM orders',
      'SELECT 1 --1\n; DELETE FROM orders',
      'SELECT 1 --\u00a0; DELETE FROM orders',
      '-- a comment\nUPDATE orders SET total = 0 WHERE id = 1',
      'SET SESSION TRANSACTION READ WRITE',
      'SET TRANSACTION READ WRITE',
      'SET @@session.transaction_read_only = 0',
      'SET SESSION tx_read_only = OFF',
      'SET transaction_read_only = 0',
      'SET STATEMENT transaction_read_only = 0 FOR DELETE FROM orders',
      'START TRANSACTION READ WRITE',
      'SELECT * FROM orders FOR UPDATE',
      'SELECT * FROM orders LOCK IN SHARE MODE',
      'LOCK TABLES orders WRITE',
      // Under these modes the server would read `'a\\'; DELETE …` or `"x"` otherwise than the grammar does.
      "SET sql_mode = 'NO_BACKSLASH_ESCAPES'",
      "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')",
      "SET @@sql_mode = 'ORACLE'",
      "SET character_set_client = 'gbk'",
      'SET NAMES gbk',
    ];
    for (const sql of hostile) await refusedBy(session, 'read-only', sql);
    // A prepared write is refused at COM_STMT_PREPARE: it is never prepared on the database.
    await refusedBy(session, 'read-only', 'DELETE FROM orders WHERE id = ?', [1]);
    await refusedBy(session, 'read-only', 'INSERT INTO orders (id) VALUES (?)', [8]);

    // Reads and the session's own housekeeping still run.
    const [rows] = await session.query('SET @picked = 2; SELECT id FROM orders WHERE id = @picked; BEGIN; SELECT COUNT(*) AS n FROM orders; COMMIT');
    expect(z.array(z.unknown()).parse(rows)[1]).toEqual([{ id: 2 }]);
    const [prepared] = await session.execute('SELECT note FROM orders WHERE id = ?', [1]);
    expect(prepared).toEqual([{ note: 'first' }]);
    // A write the grammar cannot see (inside a stored function) fails on the database: its session is read-only.
    expect(errnoOf(await session.query('SELECT bump()').catch((error: unknown) => error))).toBe(ER_READ_ONLY_TRANSACTION);
    // COM_CHANGE_USER (and COM_RESET_CONNECTION) would reset the session's mode: it is refused, nothing relayed.
    await expect(session.changeUser({ user: grant.username, password: grant.password })).rejects.toMatchObject({ errno: 1047 });
    const [mode] = await session.query('SELECT @@tx_read_only AS ro');
    expect(mode).toEqual([{ ro: 1 }]);
    await session.end();

    expect(await orders()).toEqual(before);
    const { body } = await env.activity('MG-1.1');
    const blocked = body.statements.filter((statement) => statement.blocked !== null);
    expect(blocked).toHaveLength(hostile.length + 2);
    expect(new Set(blocked.map((statement) => `${statement.blocked} ${statement.error}`))).toEqual(new Set(['read-only 42000']));
    expect(blocked[0]).toMatchObject({ kind: 'write', sql: 'DELETE FROM `orders`', rows: null });
    // What the parser could not read is recorded without text, as before.
    expect(blocked.find((statement) => statement.sql === null)).toMatchObject({ kind: 'other', blocked: 'read-only' });
    expect(body.digest.blocked).toBe(hostile.length + 2);
  });

  it('read-only: the mariadb client gets the guard error and its session goes on', async () => {
    const grant = await env.grant('MG-2.1', { role: 'ro' });
    // Fed on stdin with --force, the client goes on after an error (with -e it would stop at the first).
    const running = run('mariadb', ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(env.port), '-u', grant.username, env.database, '--batch', '--skip-column-names', '--force'], {
      env: { ...process.env, MYSQL_PWD: grant.password },
    });
    running.child.stdin?.end('DELETE FROM orders WHERE id = 1;\nSELECT COUNT(*) FROM orders;\n');
    const result = await running.catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stderr).toMatch(/ERROR 1227 \(42000\).*refused by the gateway's read-only guard: DELETE is not a read/);
    expect(result.stdout).toBe('2\n');
  });

  it('no-drop and no-unqualified-write: drops, truncates and whole-table writes are refused, a multi-statement string runs none of its statements', async () => {
    const before = await orders();
    const grant = await env.grant('MG-3.1', { role: 'careful' });
    const session = await env.connect(grant.username, grant.password, { multipleStatements: true });
    for (const sql of ['DROP TABLE secrets', 'drop /* x */ table IF EXISTS secrets', 'ALTER TABLE orders DROP COLUMN note', 'TRUNCATE orders', 'TRUNCATE TABLE orders']) await refusedBy(session, 'no-drop', sql);
    for (const sql of ['DELETE FROM orders', 'UPDATE orders SET total = 0', 'DELETE o FROM orders o JOIN secrets s ON s.id = o.id', 'UPDATE orders SET total = 1 WHERE id = 1; DELETE FROM orders']) {
      await refusedBy(session, 'no-unqualified-write', sql);
    }
    // Fail closed: what the grammar cannot read, or cannot see into, is refused by any guard.
    for (const sql of ['CALL wipe()', 'HANDLER orders OPEN', "PREPARE s FROM 'DELETE FROM orders'", '/*!DELETE FROM orders*/', "SET sql_mode = 'NO_BACKSLASH_ESCAPES'", 'SELECT 1 --1; DROP TABLE secrets']) {
      await refusedBy(session, 'no-drop', sql);
    }
    await refusedBy(session, 'no-unqualified-write', 'DELETE FROM orders', []);
    expect(await orders()).toEqual(before);

    await session.query('UPDATE orders SET total = 11 WHERE id = 1');
    await session.query('CREATE TABLE extra (a INT)');
    await session.execute('DELETE FROM extra WHERE a = ?', [1]);
    await session.end();
    expect(await orders()).toEqual(expect.arrayContaining([{ id: 1, total: '11.00', note: 'first' }]));
    await env.admin.query('UPDATE ??.orders SET total = 10 WHERE id = 1', [env.database]);
  });

  it('no-ddl: schema and privilege changes are refused, writes run', async () => {
    const grant = await env.grant('MG-4.1', { role: 'noddl' });
    const session = await env.connect(grant.username, grant.password);
    for (const sql of ['CREATE TABLE x (a INT)', 'CREATE TEMPORARY TABLE x (a INT)', 'ALTER TABLE orders ADD COLUMN y INT', 'RENAME TABLE secrets TO s2', 'DROP TABLE secrets', `GRANT SELECT ON ${env.database}.orders TO CURRENT_USER`, 'CREATE VIEW v AS SELECT 1']) {
      await refusedBy(session, 'no-ddl', sql);
    }
    await session.query("INSERT INTO orders (id, total) VALUES (50, 5)");
    await session.query('DELETE FROM orders WHERE id = 50');
    await session.end();
    const [tables] = await env.admin.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1', [env.database]);
    expect(tables).toEqual([{ name: 'extra' }, { name: 'orders' }, { name: 'secrets' }]);
  });
});

describeWith('mysql', 'A guarded session reads statements as the grammar does', (adminUrl) => {
  it('clears the sql_mode flags under which the server would read text otherwise', async () => {
    const connection = mysql.createConnection({ uri: adminUrl });
    try {
      await connection.promise().query("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ANSI_QUOTES,NO_BACKSLASH_ESCAPES'");
      await clearMisreadModes(connection);
      const [rows] = await connection.promise().query('SELECT @@SESSION.sql_mode AS mode');
      expect(rows).toEqual([{ mode: 'STRICT_TRANS_TABLES' }]);
      await connection.promise().query("SET SESSION sql_mode = 'ORACLE'");
      await clearMisreadModes(connection);
      const [after] = await connection.promise().query("SELECT @@SESSION.sql_mode AS mode, 'a\\\\' AS text");
      expect(after).toEqual([{ mode: expect.not.stringMatching(/ORACLE|ANSI_QUOTES|NO_BACKSLASH_ESCAPES/), text: 'a\\' }]);
    } finally {
      connection.destroy();
    }
  });
});
