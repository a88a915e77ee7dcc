import { integerShape } from '../../../src/connector/gateway/integer-shape';

describe('integerShape', () => {
  it.each([
    ['SELECT id, total FROM orders WHERE id = 17', 'SELECT id, total FROM orders WHERE id = ?'],
    ['SELECT * FROM t1 WHERE a IN (1,2, 30) LIMIT 5;', 'SELECT * FROM t1 WHERE a IN (?,?, ?) LIMIT ?;'],
    ['UPDATE t SET a=a+1 WHERE b>=-2', 'UPDATE t SET a=a+? WHERE b>=-?'],
    ['SELECT @1, 1e5, 0x1F, 0b101, 1.5, .5, t.1, 1abc, abc1, $1 FROM t', 'SELECT @1, 1e5, 0x1F, 0b101, 1.5, .5, t.1, 1abc, abc1, $1 FROM t'],
    ['SELECT\t1\n', 'SELECT\t?\n'],
  ])('%j has the shape %j', (sql, shape) => {
    expect(integerShape(sql)).toBe(shape);
  });

  it.each([
    ["SELECT 'a' FROM t WHERE id = 1"],
    ['SELECT "a" FROM t WHERE id = 1'],
    ['SELECT `a` FROM t WHERE id = 1'],
    ['SELECT 1 -- 2'],
    ['SELECT 1 --2'],
    ['SELECT 1 # 2'],
    ['SELECT 1 /*! , 2 */'],
    ['SELECT ? FROM t'],
    ['SELECT 1\\'],
    ['SELECT 1\u0000'],
    ['SELECT 1 FROM tä'],
    ['SELECT 1 FROM\u00a0t'],
  ])('gives no shape to %j: its lexing is not a plain scan', (sql) => {
    expect(integerShape(sql)).toBeUndefined();
  });

  it('gives texts that differ in anything but plain integers different shapes', () => {
    expect(integerShape('DELETE FROM t WHERE id = 1')).not.toBe(integerShape('SELECT * FROM t WHERE id = 1'));
    expect(integerShape('SELECT * FROM t1')).not.toBe(integerShape('SELECT * FROM t2'));
    expect(integerShape('SELECT 1e5')).not.toBe(integerShape('SELECT 1e6'));
  });
});
