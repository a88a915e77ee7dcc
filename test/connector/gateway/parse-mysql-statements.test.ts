import { parseMysqlStatements } from '../../../src/connector/gateway/parse-mysql-statements';

describe('parseMysqlStatements (node-sql-parser, MySQL then MariaDB grammar)', () => {
  it.each([
    ["SELECT * FROM orders WHERE id = 5 AND note = 'secret'", 'read', ['orders'], 'SELECT * FROM `orders` WHERE `id` = ? AND `note` = ?'],
    ["INSERT INTO shop.orders (id, note) VALUES (1, 'secret') ON DUPLICATE KEY UPDATE note = 'other'", 'write', ['shop.orders'], 'INSERT INTO `shop`.`orders` (id, note) VALUES (?,?) ON DUPLICATE KEY UPDATE `note` = ?'],
    ['UPDATE orders SET total = total + 7 WHERE id = -5', 'write', ['orders'], 'UPDATE `orders` SET `total` = `total` + ? WHERE `id` = ?'],
    ['DELETE FROM orders WHERE id = 1.5e3', 'write', ['orders'], 'DELETE FROM `orders` WHERE `id` = ?'],
    ['TRUNCATE TABLE orders', 'write', ['orders'], 'TRUNCATE TABLE `orders`'],
    // node-sql-parser lists no table for LOAD DATA.
    ["LOAD DATA INFILE '/tmp/secret' INTO TABLE orders", 'write', [], 'LOAD DATA INFILE ? INTO TABLE `orders`'],
    ["CREATE TABLE t (id INT DEFAULT 7, s VARCHAR(10) DEFAULT 'secret')", 'ddl', ['t'], 'CREATE TABLE `t` (`id` INT DEFAULT ?, `s` VARCHAR(10) DEFAULT ?)'],
    ['DROP TABLE a.b', 'ddl', ['a.b'], 'DROP TABLE `a`.`b`'],
    ["CREATE USER 'bob'@'%' IDENTIFIED BY 'secret'", 'ddl', [], 'CREATE USER ?@? IDENTIFIED ?'],
    ['SHOW TABLES', 'read', [], 'SHOW TABLES'],
    ['WITH c AS (SELECT 1) SELECT * FROM c', 'read', ['c'], 'WITH `c` AS (SELECT ?) SELECT * FROM `c`'],
    ["SELECT * FROM t WHERE d > DATE '2020-01-01' AND x IN (1, 2) AND y = X'41' AND z = 0x41 AND b = TRUE AND s LIKE 'a%'", 'read', ['t'], 'SELECT * FROM `t` WHERE `d` > ? AND `x` IN (?, ?) AND `y` = ? AND `z` = ? AND `b` = ? AND `s` LIKE ?'],
    ["SELECT * FROM t WHERE a = N'secret' OR a = \"secret\" OR a = 'it''s secret' OR a = b'0101'", 'read', ['t'], 'SELECT * FROM `t` WHERE `a` = ? OR `a` = ? OR `a` = ? OR `a` = ?'],
    ['SELECT * FROM t LIMIT 5 OFFSET 10', 'read', ['t'], 'SELECT * FROM `t` LIMIT ? OFFSET ?'],
    ["SELECT DATE_ADD(d, INTERVAL '1' DAY), CAST('12' AS SIGNED) FROM t", 'read', ['t'], 'SELECT DATE_ADD(`d`, INTERVAL ? DAY), CAST(? AS SIGNED) FROM `t`'],
    ["SET @x := 'secret'", 'other', [], 'SET @x := ?'],
    ['BEGIN', 'other', [], 'BEGIN'],
    ['CALL p(1)', 'other', [], 'CALL p(?)'],
  ])('%s', (sql, kind, tables, normalized) => {
    expect(parseMysqlStatements(sql)).toEqual([{ kind, tables, text: sql, normalized }]);
  });

  it('splits a multi-statement string, each statement named by the grammar', () => {
    expect(parseMysqlStatements("UPDATE orders SET total = 1 WHERE id = 2; SELECT 'secret'")).toEqual([
      { kind: 'write', tables: ['orders'], text: 'UPDATE `orders` SET `total` = 1 WHERE `id` = 2', normalized: 'UPDATE `orders` SET `total` = ? WHERE `id` = ?' },
      { kind: 'read', tables: [], text: "SELECT 'secret'", normalized: 'SELECT ?' },
    ]);
  });

  it.each([
    ["SELEC 'secret'", 'text the grammar refuses'],
    ['SELECT * FROM t WHERE a = 1e5', 'a number the grammar reads as a column name'],
    ["SELECT id FROM t /*! UNION SELECT secret FROM s */", 'an executable comment, which the server runs and the grammar skips'],
    ["SELECT /*M!100000 'secret', */ 1", "MariaDB's executable comment"],
    ['SELECT 1 --1; DELETE FROM t', 'dashes the server does not read as a comment (no space after them)'],
    ["SELECT * FROM t WHERE a = _utf8mb4'secret'", 'a character set introducer'],
  ])('gives nothing for %s (%s)', (sql) => {
    expect(parseMysqlStatements(sql)).toBeUndefined();
  });

  it('reads a statement sent again with other numbers as the same statement, with its own text', () => {
    const read = [1, 22, 333, 4444].map((id) => parseMysqlStatements(`SELECT id, total FROM orders WHERE id = ${id} LIMIT ${id}`));
    expect(read).toEqual(
      [1, 22, 333, 4444].map((id) => [{ kind: 'read', tables: ['orders'], text: `SELECT id, total FROM orders WHERE id = ${id} LIMIT ${id}`, normalized: 'SELECT `id`, `total` FROM `orders` WHERE `id` = ? LIMIT ?' }]),
    );
    // A number the grammar reads otherwise has a shape of its own, and several statements are each read again.
    for (let round = 0; round < 3; round += 1) expect(parseMysqlStatements('SELECT id, total FROM orders WHERE id = 1e5 LIMIT 1')).toBeUndefined();
    for (const id of [1, 2, 3]) expect(parseMysqlStatements(`DELETE FROM orders WHERE id = ${id}; SELECT ${id}`)?.map(({ text }) => text)).toEqual([`DELETE FROM \`orders\` WHERE \`id\` = ${id}`, `SELECT ${id}`]);
  });

  it('gives no statement for an empty query', () => {
    expect(parseMysqlStatements('  ')).toEqual([]);
  });
});
