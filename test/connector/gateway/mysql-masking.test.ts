import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Connection } from 'mysql2/promise';
import { describeWith } from '../../support/servers';
import { consoleQuery } from './support';
import { mysqlGatewayConnector } from './mysql-support';

const run = promisify(execFile);
const ER_SPECIFIC_ACCESS_DENIED = 1227;
/** The raw values behind the masked columns: none of them may appear in anything a masked level gets. */
const SECRETS = ['ana@', 'bo@', '0101', '0102', '123-45', '987-65', 'vip', 'late payer'];

async function outcome(session: Connection, sql: string, values?: (string | number)[]): Promise<unknown> {
  try {
    return { rows: (await (values ? session.execute(sql, values) : session.query(sql)))[0] };
  } catch (error) {
    const { errno, message } = error as { errno?: number; message: string };
    return { errno, message };
  }
}

/**
 * The MySQL-wire evasion corpus (docs/connector.md, "Masking"): every way we know to get at a masked column's values
 * through the gateway as a masked level, on the real server. Each attempt either gets the values masked or is refused
 * before it reaches the database; none gets a raw value. An unmasked level sees the values in the clear.
 */
describeWith('mysql', 'SQL gateway masking on the MySQL wire: the evasion corpus', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;
  let masked: Connection;
  let credential: { username: string; password: string };

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl, {
      roles: (database) => ({
        support: { memberOf: [], privileges: [`SELECT, EXECUTE, SHOW VIEW ON ${database}.*`] },
        'break-glass': { memberOf: [], privileges: [`SELECT ON ${database}.*`], unmasked: true },
      }),
    });
    const d = env.database;
    for (const statement of [
      `CREATE TABLE \`${d}\`.customers (id INT PRIMARY KEY, name VARCHAR(20), email VARCHAR(60), phone VARCHAR(20), ssn VARCHAR(20), note TEXT)`,
      `INSERT INTO \`${d}\`.customers VALUES (1, 'Ana', 'ana@secret.example', '+1 555 0101', '123-45-6789', 'vip'), (2, 'Bo', 'bo@secret.example', '+1 555 0102', '987-65-4321', 'late payer')`,
      `CREATE VIEW \`${d}\`.customer_emails AS SELECT id, email FROM \`${d}\`.customers`,
      `CREATE FUNCTION \`${d}\`.email_of(i INT) RETURNS VARCHAR(60) READS SQL DATA RETURN (SELECT email FROM \`${d}\`.customers WHERE id = i)`,
      `ANALYZE TABLE \`${d}\`.customers PERSISTENT FOR ALL`,
    ]) {
      await env.admin.query(statement);
    }
    Object.assign(env.target, { masking: { [`${d}.customers.email`]: 'email', [`${d}.customers.phone`]: 'partial', [`${d}.customers.ssn`]: 'hash', [`${d}.customers.note`]: 'null' } });
    const grant = await env.grant('MM-1.1', { role: 'support' });
    credential = grant;
    masked = await env.connect(grant.username, grant.password, { multipleStatements: true });
  });

  afterAll(async () => {
    await masked?.end();
    await env?.stop();
  });

  it('masks the masked columns selected as they are, by text query, prepared statement and the mariadb client', async () => {
    const ana = { id: 1, name: 'Ana', email: 'a***@secret.example', phone: '+***1', ssn: expect.stringMatching(/^h:[0-9a-f]{16}$/), note: null };
    const all = (await outcome(masked, 'SELECT * FROM customers ORDER BY id')) as { rows: Record<string, unknown>[] };
    expect(all).toEqual({ rows: [ana, { id: 2, name: 'Bo', email: 'b***@secret.example', phone: '+***2', ssn: expect.stringMatching(/^h:/), note: null }] });
    expect(await outcome(masked, 'SELECT c.* FROM customers c WHERE id = 1')).toEqual({ rows: [ana] });
    expect(await outcome(masked, 'SELECT id, email AS contact, (phone) FROM customers WHERE id = 1')).toEqual({ rows: [{ id: 1, contact: 'a***@secret.example', phone: '+***1' }] });
    expect(await outcome(masked, 'SELECT email, ssn FROM customers WHERE id = ?', [1])).toEqual({ rows: [{ email: 'a***@secret.example', ssn: all.rows[0]?.ssn }] });
    const { stdout } = await run('mariadb', ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(env.port), '-u', credential.username, env.database, '--batch', '--skip-column-names', '-e', 'SELECT email, phone, note FROM customers ORDER BY id'], {
      env: { ...process.env, MYSQL_PWD: credential.password },
    });
    expect(stdout).toBe('a***@secret.example\t+***1\tNULL\nb***@secret.example\t+***2\tNULL\n');
    // The console masks alike, with the same hash key.
    expect((await consoleQuery(env.connector.url, 'MM-1.1', 'SELECT email, ssn FROM customers WHERE id = 1')).body).toMatchObject({ rows: [['a***@secret.example', all.rows[0]?.ssn]] });
  });

  const corpus: [string, string][] = [
    ['CONCAT', 'SELECT CONCAT(email, \'\') FROM customers'],
    ['CAST', 'SELECT CAST(email AS CHAR) FROM customers'],
    ['a function', 'SELECT HEX(email) FROM customers'],
    ['a collation', 'SELECT email COLLATE utf8mb4_bin FROM customers'],
    ['GROUP_CONCAT', 'SELECT GROUP_CONCAT(email) FROM customers'],
    ['JSON_OBJECT', "SELECT JSON_OBJECT('e', email) FROM customers"],
    ['a condition', "SELECT id FROM customers WHERE email LIKE 'ana%'"],
    ['a scalar subquery', 'SELECT (SELECT email FROM customers LIMIT 1)'],
    ['a derived table', 'SELECT * FROM (SELECT email FROM customers) x'],
    ['a CTE', 'WITH x AS (SELECT email FROM customers) SELECT * FROM x'],
    ['UNION', "SELECT email FROM customers UNION SELECT 'x'"],
    ['UNION with *', 'SELECT * FROM customers UNION SELECT * FROM customers'],
    ['ordering by position', 'SELECT email FROM customers ORDER BY 1'],
    ['ordering by the column', 'SELECT id FROM customers ORDER BY email'],
    ['grouping', 'SELECT email FROM customers GROUP BY email'],
    ['ordering by an alias of the column', 'SELECT email AS id FROM customers ORDER BY id'],
    ['HAVING on an alias of the column', "SELECT email AS e FROM customers HAVING e LIKE 'a%'"],
    ['a window ordered by the column', 'SELECT id, ROW_NUMBER() OVER (ORDER BY email) FROM customers'],
    ['assigning a variable in the select list', 'SELECT @x := email FROM customers'],
    ['SELECT … INTO @var at the end', 'SELECT email FROM customers LIMIT 1 INTO @e'],
    ['INTO OUTFILE', "SELECT email FROM customers INTO OUTFILE '/tmp/jit-mask-outfile'"],
    ['a stored procedure', 'CALL nothing()'],
    ['a temporary table shadowing the masked one', 'CREATE TEMPORARY TABLE customers AS SELECT * FROM customers'],
    ['SELECT … INTO @var', 'SELECT email INTO @e FROM customers LIMIT 1'],
    ['SET @var = (subquery)', 'SET @e = (SELECT email FROM customers LIMIT 1)'],
    ['a view', 'SELECT * FROM customer_emails'],
    ['a stored function', 'SELECT email_of(1)'],
    ['the histogram table', 'SELECT * FROM mysql.column_stats'],
    ['PROCEDURE ANALYSE', 'SELECT email FROM customers PROCEDURE ANALYSE()'],
    ['an executable comment', 'SELECT id /*!, email */ FROM customers'],
    ['text-level PREPARE', "PREPARE s FROM 'SELECT CONCAT(email) FROM customers'"],
    ['a write whose error shows the value', 'INSERT INTO customers SELECT id, name, email, phone, ssn, note FROM customers'],
    ['NATURAL JOIN', 'SELECT id FROM customers NATURAL JOIN customers c2'],
    ['multi-statement', 'SELECT 1; SELECT UPPER(email) FROM customers'],
    ['a sql_mode under which "email" is the column', "SET sql_mode = 'ANSI_QUOTES'"],
  ];

  it.each(corpus)('refuses %s before it reaches the database', async (_name, sql) => {
    const result = await outcome(masked, sql);
    expect(result).toEqual({ errno: ER_SPECIFIC_ACCESS_DENIED, message: expect.stringContaining("refused by the gateway's masking") });
  });

  it('refuses the corpus as a prepared statement and through the console, and the variable stays empty', async () => {
    expect(await outcome(masked, 'SELECT CONCAT(email) FROM customers WHERE id = ?', [1])).toEqual({ errno: ER_SPECIFIC_ACCESS_DENIED, message: expect.stringContaining('masking') });
    expect(await outcome(masked, 'SELECT @e')).toEqual({ rows: [{ '@e': null }] });
    for (const [, sql] of corpus.filter(([name]) => name !== 'multi-statement')) {
      expect({ sql, ...(await consoleQuery(env.connector.url, 'MM-1.1', sql)) }).toMatchObject({ sql, status: 422, body: { error: { message: expect.stringContaining("refused by the gateway's masking") } } });
    }
    const { body } = await env.activity('MM-1.1');
    expect(JSON.stringify(body)).not.toMatch(new RegExp(SECRETS.join('|')));
    expect(body.statements.filter((statement) => statement.blocked === 'masking').length).toBeGreaterThanOrEqual(corpus.length * 2);
  });

  it('lets an unmasked level see the values in the clear', async () => {
    const grant = await env.grant('MM-2.1', { role: 'break-glass' });
    const session = await env.connect(grant.username, grant.password);
    expect(await outcome(session, 'SELECT email, ssn, note FROM customers WHERE id = 1')).toEqual({ rows: [{ email: 'ana@secret.example', ssn: '123-45-6789', note: 'vip' }] });
    expect(await outcome(session, 'SELECT UPPER(email) AS e FROM customers WHERE id = 1')).toEqual({ rows: [{ e: 'ANA@SECRET.EXAMPLE' }] });
    await session.end();
  });
});
