import { parserReady, parseStatements } from '../../../src/connector/gateway/parse-statements';

beforeAll(() => parserReady);

describe('parseStatements (PostgreSQL grammar through libpg-query)', () => {
  it.each([
    ['SELECT * FROM orders WHERE id = 5', 'read', ['orders'], 'SELECT * FROM orders WHERE id = $1'],
    ["WITH recent AS (SELECT * FROM s.orders) SELECT * FROM recent JOIN s.items USING (id) WHERE note = 'x'", 'read', ['s.items', 's.orders'], 'WITH recent AS (SELECT * FROM s.orders) SELECT * FROM recent JOIN s.items USING (id) WHERE note = $1'],
    ['SELECT * INTO copy_of FROM orders', 'ddl', ['copy_of', 'orders'], 'SELECT * INTO copy_of FROM orders'],
    ["INSERT INTO public.orders (id, note) VALUES (1, 'secret')", 'write', ['public.orders'], 'INSERT INTO public.orders (id, note) VALUES ($1, $2)'],
    ['UPDATE orders SET total = total + 1 WHERE id = $1', 'write', ['orders'], 'UPDATE orders SET total = total + $2 WHERE id = $1'],
    ['DELETE FROM a USING b WHERE a.id = b.id', 'write', ['a', 'b'], 'DELETE FROM a USING b WHERE a.id = b.id'],
    ['TRUNCATE orders', 'write', ['orders'], 'TRUNCATE orders'],
    ['COPY orders FROM STDIN', 'write', ['orders'], 'COPY orders FROM STDIN'],
    ['COPY (SELECT 1) TO STDOUT', 'read', [], 'COPY (SELECT $1) TO STDOUT'],
    ['EXPLAIN DELETE FROM orders', 'read', ['orders'], 'EXPLAIN DELETE FROM orders'],
    ['EXPLAIN ANALYZE DELETE FROM orders', 'write', ['orders'], 'EXPLAIN ANALYZE DELETE FROM orders'],
    ['CREATE TABLE t (x int DEFAULT 7)', 'ddl', ['t'], 'CREATE TABLE t (x int DEFAULT 7)'],
    ['DROP TABLE s.a, b', 'ddl', ['b', 's.a'], 'DROP TABLE s.a, b'],
    ['GRANT SELECT ON orders TO someone', 'ddl', ['orders'], 'GRANT SELECT ON orders TO someone'],
    ["SET search_path = 'x'", 'other', [], 'SET search_path = $1'],
    ['BEGIN', 'other', [], 'BEGIN'],
    ["DO $$ BEGIN DELETE FROM orders; END $$", 'other', [], 'DO $1'],
  ])('%s', (sql, kind, tables, normalized) => {
    expect(parseStatements(sql)).toEqual([{ kind, tables, text: sql, normalized }]);
  });

  it('splits a query string into its statements, offsets counted in bytes', () => {
    const statements = parseStatements("SELECT 'é'; UPDATE t SET a = 'ü' ;\nSELECT 2");
    expect(statements?.map(({ kind, text, normalized }) => ({ kind, text, normalized }))).toEqual([
      { kind: 'read', text: "SELECT 'é'", normalized: 'SELECT $1' },
      { kind: 'write', text: "UPDATE t SET a = 'ü'", normalized: 'UPDATE t SET a = $1' },
      { kind: 'read', text: 'SELECT 2', normalized: 'SELECT $1' },
    ]);
  });

  it('reads a statement sent again with other literals as the same statement, with its own text', () => {
    // The third sending is read from the normalized text alone; its text still comes from its own bytes.
    const read = ['1', '22', '333'].map((value) => parseStatements(`/* é */ SELECT 'ü${value}' FROM t WHERE a = ${value} ; -- fin`));
    expect(read).toEqual(
      ['1', '22', '333'].map((value) => [{ kind: 'read', tables: ['t'], text: `SELECT 'ü${value}' FROM t WHERE a = ${value}`, normalized: 'SELECT $1 FROM t WHERE a = $2' }]),
    );
  });

  it('reads a statement sent again with other integers by its shape, as the normalizer would', () => {
    for (let round = 0; round < 4; round += 1) {
      for (const id of [round + 1, (round + 1) * 1000]) {
        expect(parseStatements(`SELECT abalance FROM pgbench_accounts WHERE aid = ${id} LIMIT ${id % 7};`)).toEqual([
          { kind: 'read', tables: ['pgbench_accounts'], text: `SELECT abalance FROM pgbench_accounts WHERE aid = ${id} LIMIT ${id % 7}`, normalized: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1 LIMIT $2' },
        ]);
      }
    }
  });

  it('never lets texts of one integer shape share a reading when the normalizer keeps an integer', () => {
    for (let round = 0; round < 4; round += 1) {
      for (const value of [5, 6]) {
        const texts = [`CREATE TABLE t${round} (x int DEFAULT ${value})`, `FETCH ${value} FROM c`, `SELECT ${value}.5, ${value} FROM t`, `SELECT x FROM t WHERE a = -${value}`];
        expect(texts.map((text) => parseStatements(text)?.[0]?.normalized)).toEqual([`CREATE TABLE t${round} (x int DEFAULT ${value})`, `FETCH ${value} FROM c`, 'SELECT $1, $2 FROM t', 'SELECT x FROM t WHERE a = $1']);
      }
    }
  });

  it('reads a statement whose normalized text does not parse from its own parse', () => {
    for (const schema of ['a', 'b', 'c']) expect(parseStatements(`SET search_path = '${schema}'`)).toEqual([{ kind: 'other', tables: [], text: `SET search_path = '${schema}'`, normalized: 'SET search_path = $1' }]);
  });

  it('gives nothing for text the grammar refuses, and no statement for an empty query', () => {
    expect(parseStatements("SELEC 'secret'")).toBeUndefined();
    expect(parseStatements('')).toEqual([]);
    expect(parseStatements(' ; -- nothing')).toEqual([]);
  });
});
