import { checkPrivilege, parsePrivilege, privilegeClause } from '../../../../src/connector/drivers/mysql/privileges';

describe('parsePrivilege and privilegeClause', () => {
  test.each([
    ['SELECT ON shop.*', 'SELECT ON `shop`.*'],
    ['select, insert ,update on shop.orders', 'SELECT, INSERT, UPDATE ON `shop`.`orders`'],
    ['SELECT ON TABLE shop.orders', 'SELECT ON `shop`.`orders`'],
    ['create   temporary tables, LOCK TABLES ON shop.*', 'CREATE TEMPORARY TABLES, LOCK TABLES ON `shop`.*'],
    ['ALL ON shop.*', 'ALL PRIVILEGES ON `shop`.*'],
    ['SELECT ON `my db`.`odd``name`', 'SELECT ON `my db`.`odd``name`'],
    ['SELECT ON `a.b`.`c;d`', 'SELECT ON `a.b`.`c;d`'],
    // `_` and `%` are wildcards in database-level grants; escaped so only the named database matches.
    ['SELECT ON jit_test.*', 'SELECT ON `jit\\_test`.*'],
    ['SELECT ON `50%`.*', 'SELECT ON `50\\%`.*'],
    ['SELECT ON jit_test.t_1', 'SELECT ON `jit_test`.`t_1`'],
    ['SELECT (id, total) ON shop.orders', 'SELECT (`id`, `total`) ON `shop`.`orders`'],
    ['select(id), update (`e-mail`, `odd``col`), INSERT ON TABLE shop.orders', 'SELECT (`id`), UPDATE (`e-mail`, `odd``col`), INSERT ON `shop`.`orders`'],
  ])('%s', (text, clause) => {
    const result = parsePrivilege(text);
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(privilegeClause(result.value)).toBe(clause);
    expect(checkPrivilege(text)).toEqual([]);
  });

  test('keeps names exactly, unquoted', () => {
    expect(parsePrivilege('SELECT ON `we``ird`.`t ü`')).toEqual({
      ok: true,
      value: { privileges: ['SELECT'], database: 'we`ird', table: 't ü' },
    });
  });
});

describe('checkPrivilege refuses', () => {
  test.each([
    ['SELECT ON *.*', 'the object must be db.* or db.table'],
    ['SELECT ON shop', 'the object must be db.* or db.table'],
    ['SELECT ON *', 'the object must be db.* or db.table'],
    ['SELECT ON shop.orders; DROP DATABASE shop', 'the object must be db.* or db.table'],
    ['SELECT ON `unterminated.t', 'the object must be db.* or db.table'],
    ['SELECT', 'expected "PRIVILEGE[, …] ON db.*"'],
    ['SELECT (id) ON shop.*', 'a column list is only allowed on one table (db.table), not on db.*'],
    ['DELETE (id) ON shop.orders', 'DELETE cannot be limited to columns (only SELECT, INSERT, UPDATE, REFERENCES)'],
    ['ALL (id) ON shop.orders', 'ALL cannot be limited to columns'],
    ['SELECT (a), SELECT (b) ON shop.orders', 'a privilege is listed twice'],
    ['SELECT (id, id) ON shop.orders', 'a column is listed twice for SELECT'],
    ['SELECT (id; DROP) ON shop.orders', 'column "id; DROP" must be plain [A-Za-z0-9_$] or in backticks'],
    ['SELECT () ON shop.orders', 'column "" must be plain'],
    ['SELECT (id ON shop.orders', 'expected "PRIVILEGE[, …] ON db.*"'],
    ['SELECT (id) (x) ON shop.orders', 'expected "PRIVILEGE [(column, …)][, …]" before ON'],
    [`SELECT (${'c'.repeat(65)}) ON shop.orders`, `column name "${'c'.repeat(65)}" is longer than 64 characters`],
    ['SUPER ON shop.*', 'unknown or server-wide privilege "SUPER"'],
    ['FILE ON shop.*', 'unknown or server-wide privilege "FILE"'],
    ['SELEKT ON shop.*', 'unknown or server-wide privilege "SELEKT"'],
    ['GRANT OPTION ON shop.*', 'GRANT OPTION would let a temporary login pass its access on'],
    ['EXECUTE ON shop.orders', 'EXECUTE applies to a whole database (db.*), not to one table'],
    ['ALL, SELECT ON shop.*', 'ALL cannot be combined with other privileges'],
    ['SELECT, SELECT ON shop.*', 'a privilege is listed twice'],
  ])('%s', (text, problem) => {
    const problems = checkPrivilege(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});
