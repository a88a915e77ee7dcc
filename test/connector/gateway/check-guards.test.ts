import { checkGuards } from '../../../src/connector/gateway/guards/check-guards';
import { parserReady } from '../../../src/connector/gateway/parse-statements';

beforeAll(() => parserReady);

const verdict = (guards: Parameters<typeof checkGuards>[0], sql: string) => {
  const refusal = checkGuards(guards, sql);
  return refusal === undefined ? 'allowed' : `${refusal.guard}#${refusal.index}: ${refusal.message.replace(/^refused by the gateway's [a-z-]+ guard: /, '')}`;
};

describe('checkGuards', () => {
  test.each([
    ['SELECT * FROM t WHERE id = 1', 'allowed'],
    ['SELECT 1; SELECT 2', 'allowed'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'allowed'],
    ['EXPLAIN SELECT 1', 'allowed'],
    ['EXPLAIN ANALYZE SELECT 1', 'allowed'],
    ['BEGIN; SELECT 1; COMMIT', 'allowed'],
    ['BEGIN READ ONLY', 'allowed'],
    ['SHOW transaction_read_only', 'allowed'],
    ['SET statement_timeout = 1000', 'allowed'],
    ['RESET ALL', 'allowed'],
    ['DECLARE c CURSOR FOR SELECT 1', 'allowed'],
    ['FETCH 10 FROM c', 'allowed'],
    ['PREPARE p AS SELECT $1::int', 'allowed'],
    ['EXECUTE p(1)', 'allowed'],
    ['COPY t TO STDOUT', 'allowed'],
    ['COPY (SELECT 1) TO STDOUT', 'allowed'],
    ['INSERT INTO t VALUES (1)', 'read-only#0: INSERT is not a read'],
    ['SELECT 1; DELETE FROM t WHERE id = 1', 'read-only#1: DELETE is not a read'],
    ['WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'read-only#0: it contains DELETE'],
    ['SELECT * FROM (WITH x AS (UPDATE t SET a = 1 WHERE id = 1 RETURNING 1) SELECT * FROM x) y', 'read-only#0: it contains UPDATE'],
    ['EXPLAIN ANALYZE DELETE FROM t WHERE id = 1', 'read-only#0: it contains DELETE'],
    ['PREPARE p AS DELETE FROM t WHERE id = 1', 'read-only#0: it contains DELETE'],
    ['DECLARE c CURSOR FOR SELECT * FROM t FOR UPDATE', 'read-only#0: FOR UPDATE/SHARE locks rows'],
    ['COPY t FROM STDIN', 'read-only#0: COPY FROM writes'],
    ["COPY t TO '/tmp/t.csv'", 'read-only#0: COPY to a server file or program writes on the server'],
    ["COPY t TO PROGRAM 'cat'", 'read-only#0: COPY to a server file or program writes on the server'],
    ['SELECT * INTO u FROM t', 'read-only#0: SELECT INTO creates a table'],
    ['CREATE TABLE u (a int)', 'read-only#0: CREATE is not a read'],
    ['DO $$ BEGIN DELETE FROM t; END $$', 'read-only#0: DO runs code the gateway cannot check'],
    ['CALL p()', 'read-only#0: CALL runs code the gateway cannot check'],
    ["SELECT set_config('default_transaction_read_only', 'off', false)", 'read-only#0: set_config() writes or changes settings'],
    ["SELECT pg_catalog.SET_CONFIG('a', 'b', false)", 'read-only#0: set_config() writes or changes settings'],
    ["SELECT nextval('s')", 'read-only#0: nextval() writes or changes settings'],
    ['SET default_transaction_read_only = off', 'read-only#0: the read-only mode cannot be changed'],
    ['SET "DEFAULT_TRANSACTION_READ_ONLY" TO DEFAULT', 'read-only#0: the read-only mode cannot be changed'],
    ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'read-only#0: READ WRITE transactions are not allowed'],
    ['SET TRANSACTION READ WRITE', 'read-only#0: READ WRITE transactions are not allowed'],
    ['BEGIN READ WRITE', 'read-only#0: READ WRITE transactions are not allowed'],
    ['START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE', 'read-only#0: READ WRITE transactions are not allowed'],
    ['LOCK TABLE t', 'read-only#0: LOCK is not a read'],
    ['VACUUM t', 'read-only#0: VACUUM is not a read'],
    ['SELEC 1', 'read-only#0: the statement does not parse, so it cannot be checked'],
  ])('read-only: %s', (sql, expected) => {
    expect(verdict(['read-only'], sql)).toBe(expected);
  });

  test.each([
    ['DELETE FROM t WHERE id = 1', 'allowed'],
    ['UPDATE t SET a = 1 WHERE true', 'allowed'],
    ['CREATE TABLE u (a int)', 'allowed'],
    ['ALTER TABLE u ADD COLUMN b int', 'allowed'],
    ['DELETE FROM t', 'no-unqualified-write#0: DELETE without WHERE'],
    ['UPDATE t SET a = 1', 'no-unqualified-write#0: UPDATE without WHERE'],
    ['WITH x AS (UPDATE t SET a = 1 RETURNING 1) SELECT * FROM x', 'no-unqualified-write#0: UPDATE without WHERE'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'no-unqualified-write#0: DELETE without WHERE'],
    ['PREPARE p AS DELETE FROM t', 'no-unqualified-write#0: DELETE without WHERE'],
    ['TRUNCATE t', 'no-drop#0: TRUNCATE is not allowed'],
    ['DROP TABLE u', 'no-drop#0: DROP is not allowed'],
    ['SELECT 1; DROP TABLE u', 'no-drop#1: DROP is not allowed'],
    ['DROP OWNED BY x', 'no-drop#0: DROP is not allowed'],
    ['ALTER TABLE u DROP COLUMN b', 'no-drop#0: ALTER … DROP is not allowed'],
    ['DO $$ BEGIN DROP TABLE u; END $$', 'no-drop#0: DO runs code the gateway cannot check'],
  ])('no-drop, no-unqualified-write: %s', (sql, expected) => {
    expect(verdict(['no-drop', 'no-unqualified-write'], sql)).toBe(expected);
  });

  test.each([
    ['SELECT 1', 'allowed'],
    ['DELETE FROM t', 'allowed'],
    ['CREATE TABLE u (a int)', 'no-ddl#0: schema and privilege changes are not allowed'],
    ['GRANT SELECT ON t TO PUBLIC', 'no-ddl#0: schema and privilege changes are not allowed'],
    ['SELECT * INTO u FROM t', 'no-ddl#0: schema and privilege changes are not allowed'],
    ['EXPLAIN ANALYZE SELECT * INTO u FROM t', 'no-ddl#0: schema and privilege changes are not allowed'],
    ['ALTER TABLE t ADD COLUMN b int', 'no-ddl#0: schema and privilege changes are not allowed'],
  ])('no-ddl: %s', (sql, expected) => {
    expect(verdict(['no-ddl'], sql)).toBe(expected);
  });

  it('lets everything through a level without guards, and an empty string through any', () => {
    expect(verdict([], 'DROP TABLE t')).toBe('allowed');
    expect(verdict(['read-only'], '')).toBe('allowed');
  });
});
