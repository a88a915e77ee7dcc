import { mysqlGuardRefusal } from '../../../src/connector/gateway/guards/check-mysql-guards';
import type { Guard } from '../../../src/connector/gateway/guards/guard-schema';
import { mysqlMaskingRefusal } from '../../../src/connector/gateway/masking/check-mysql-masking';
import type { MysqlMaskingCatalog } from '../../../src/connector/gateway/masking/mysql-masking-catalog';
import { parseMysqlTrees } from '../../../src/connector/gateway/parse-mysql-statements';

const guardOf = (guards: Guard[], sql: string) => mysqlGuardRefusal(guards, parseMysqlTrees(sql)?.asts)?.guard ?? null;

/** The table of decisions the MySQL-wire guards make (the real-server runs are in mysql-guards.test.ts). */
describe('MySQL guards decide on the parse tree', () => {
  it.each<[Guard[], string, string | null]>([
    [['read-only'], 'SELECT id FROM orders WHERE id = 1', null],
    [['read-only'], 'SHOW TABLES', null],
    [['read-only'], 'SET @a = 1', null],
    [['read-only'], 'SET SESSION sql_select_limit = 10', null],
    [['read-only'], 'SELECT id INTO @v FROM orders LIMIT 1', null],
    [['read-only'], 'BEGIN', null],
    [['read-only'], 'START TRANSACTION READ ONLY', null],
    [['read-only'], 'EXPLAIN SELECT 1', null],
    [['read-only'], 'START TRANSACTION READ WRITE', 'read-only'],
    [['read-only'], 'SET @@local.tx_read_only = 0', 'read-only'],
    [['read-only'], 'SET GLOBAL max_connections = 1', 'read-only'],
    [['read-only'], 'SELECT nextval(s)', 'read-only'],
    [['read-only'], 'SELECT * FROM orders FOR SHARE', 'read-only'],
    [['read-only'], 'EXPLAIN DELETE FROM orders', 'read-only'],
    [['read-only'], 'SELECT 1 UNION SELECT id FROM orders INTO OUTFILE "/tmp/x"', 'read-only'],
    [['no-ddl'], 'TRUNCATE orders', null],
    [['no-ddl'], 'CREATE INDEX i ON orders (id)', 'no-ddl'],
    [['no-drop'], 'ALTER TABLE orders ADD COLUMN x INT', null],
    [['no-drop'], 'ALTER TABLE orders DROP INDEX i', 'no-drop'],
    [['no-unqualified-write'], 'UPDATE orders SET total = 0 WHERE id = 1', null],
    [['no-unqualified-write'], 'DELETE FROM orders ORDER BY id LIMIT 1', 'no-unqualified-write'],
    [['no-unqualified-write', 'no-drop'], 'CALL p()', 'no-unqualified-write'],
    [['no-drop'], 'SELECT 1 --1', 'no-drop'],
    [['no-drop'], "SET sql_mode = ''", 'no-drop'],
    [['no-drop'], "SET character_set_client = 'gbk'", 'no-drop'],
    [['no-drop'], "SET @@session.character_set_connection = 'big5'", 'no-drop'],
    [['no-drop'], 'SET NAMES gbk', 'no-drop'],
    [['no-drop'], 'SET CHARACTER SET gbk', 'no-drop'],
    [[], 'DROP TABLE orders', null],
  ])('%j %s -> %s', (guards, sql, expected) => {
    expect(guardOf(guards, sql)).toBe(expected);
  });
});

describe('MySQL masking decides on the parse tree', () => {
  const catalog: MysqlMaskingCatalog = {
    columns: new Map([['shop.customers.email', 'email']]),
    tables: new Set(['customers']),
    columnNames: new Set(['email']),
    views: new Set(['customer_emails']),
    routines: new Set(['email_of']),
  };
  it.each<[string, boolean]>([
    ['SELECT email FROM customers', false],
    ['SELECT `Email` AS e, id FROM shop.customers c WHERE c.id = 1 ORDER BY id', false],
    ['SELECT * FROM customers JOIN orders ON orders.id = customers.id', false],
    ['SELECT email FROM orders', false],
    ['SELECT LOWER(email) FROM orders WHERE id = 1', true],
    ['SELECT COUNT(*) FROM orders WHERE EXISTS (SELECT * FROM orders)', false],
    ['SELECT LOWER(email) FROM customers', true],
    ['SELECT `EMAIL` FROM customers WHERE email IS NOT NULL', true],
    ['SELECT id FROM customers c ORDER BY c.email', true],
    ['SELECT id FROM orders WHERE id IN (SELECT email FROM customers)', true],
    ['SELECT id FROM orders WHERE EXISTS (SELECT * FROM customers)', true],
    ['SELECT * FROM customer_emails', true],
    ['SELECT email_of(1)', true],
    ['DELETE FROM customers WHERE id = 1', true],
    ['SELEC email FROM customers', true],
    ['SELECT UPPER(email) FROM customers FORCE INDEX (PRIMARY)', true],
    ['SELECT UPPER(email) FROM customers USE INDEX (i)', true],
    ['SELECT UPPER(email) FROM customers PARTITION (p0)', true],
    ['SELECT UPPER(email) FROM (customers)', true],
    ['SELECT UPPER(email) FROM `shop`.`customers`', true],
    ['SELECT UPPER(x.email) FROM orders o JOIN LATERAL (SELECT email FROM customers) x', true],
    ['SELECT UPPER(email) FROM orders, customers', true],
    ['SELECT UPPER(email) FROM orders STRAIGHT_JOIN customers', true],
    ['SELECT UPPER(email) FROM customers c1 CROSS JOIN customers c2', true],
  ])('%s -> refused: %s', (sql, refused) => {
    expect(mysqlMaskingRefusal(catalog, parseMysqlTrees(sql)?.asts) !== undefined).toBe(refused);
  });
});
