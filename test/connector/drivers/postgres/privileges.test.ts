import { checkPrivilege, parsePrivilege } from '../../../../src/connector/drivers/postgres/privileges';

describe('parsePrivilege', () => {
  it.each([
    ['SELECT, INSERT, UPDATE ON TABLE public.orders', { privileges: ['SELECT', 'INSERT', 'UPDATE'], kind: 'TABLE', schema: 'public', name: 'orders' }],
    ['select on table Orders', { privileges: ['SELECT'], kind: 'TABLE', name: 'orders' }],
    ['SELECT ON TABLE "Sales"."Order ""2024"""', { privileges: ['SELECT'], kind: 'TABLE', schema: 'Sales', name: 'Order "2024"' }],
    ['SELECT ON ALL TABLES IN SCHEMA public', { privileges: ['SELECT'], kind: 'ALL TABLES IN SCHEMA', name: 'public' }],
    ['USAGE, SELECT ON ALL SEQUENCES IN SCHEMA app', { privileges: ['USAGE', 'SELECT'], kind: 'ALL SEQUENCES IN SCHEMA', name: 'app' }],
    ['USAGE ON SCHEMA public', { privileges: ['USAGE'], kind: 'SCHEMA', name: 'public' }],
    ['CREATE ON SCHEMA public', { privileges: ['CREATE'], kind: 'SCHEMA', name: 'public' }],
    ['CONNECT, TEMP ON DATABASE shop', { privileges: ['CONNECT', 'TEMP'], kind: 'DATABASE', name: 'shop' }],
    ['USAGE, SELECT ON SEQUENCE public.s', { privileges: ['USAGE', 'SELECT'], kind: 'SEQUENCE', schema: 'public', name: 's' }],
    ['ALL PRIVILEGES ON TABLE t', { privileges: ['ALL PRIVILEGES'], kind: 'TABLE', name: 't' }],
    ['ALL ON SCHEMA s', { privileges: ['ALL PRIVILEGES'], kind: 'SCHEMA', name: 's' }],
    ['SELECT, SELECT ON TABLE t', { privileges: ['SELECT'], kind: 'TABLE', name: 't' }],
    ['  SELECT\tON\nTABLE  a . b  ', { privileges: ['SELECT'], kind: 'TABLE', schema: 'a', name: 'b' }],
    ['SELECT (id, total) ON TABLE public.orders', { privileges: ['SELECT'], columns: { SELECT: ['id', 'total'] }, kind: 'TABLE', schema: 'public', name: 'orders' }],
    ['SELECT (id, "E-Mail"), UPDATE (total), INSERT ON TABLE t', {
      privileges: ['SELECT', 'UPDATE', 'INSERT'], columns: { SELECT: ['id', 'E-Mail'], UPDATE: ['total'] }, kind: 'TABLE', name: 't',
    }],
    ['references(a) ON TABLE t', { privileges: ['REFERENCES'], columns: { REFERENCES: ['a'] }, kind: 'TABLE', name: 't' }],
  ])('%j parses', (text, expected) => {
    expect(parsePrivilege(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', ['expected a privilege keyword']],
    ['SELECT', ['expected ON after the privileges']],
    ['ON TABLE t', ['expected a privilege keyword']],
    ['SELECT ON t', ['expected TABLE, SEQUENCE, SCHEMA, DATABASE, ALL TABLES IN SCHEMA or ALL SEQUENCES IN SCHEMA after ON']],
    ['SELECT ON FUNCTION f', ['expected TABLE, SEQUENCE, SCHEMA, DATABASE, ALL TABLES IN SCHEMA or ALL SEQUENCES IN SCHEMA after ON']],
    ['SELECT ON ALL TABLES public', ['expected TABLE, SEQUENCE, SCHEMA, DATABASE, ALL TABLES IN SCHEMA or ALL SEQUENCES IN SCHEMA after ON']],
    ['SELECT ON TABLE', ['expected a (schema.)name after TABLE']],
    ['USAGE ON SCHEMA', ['expected a name after SCHEMA']],
    ['SELECT ON TABLE a.b.c', ['unexpected text after TABLE name (one object per entry)']],
    ['USAGE ON SCHEMA a.b', ['unexpected text after SCHEMA name (one object per entry)']],
    ['SELECT ON TABLE a, b', ['unexpected text after TABLE name (one object per entry)']],
    ['SELECT ON TABLE t TO admin', ['unexpected text after TABLE name (one object per entry)']],
    ['SELECT ON TABLE t; DROP TABLE t', ['unexpected character ";" at position 18']],
    ['USAGE (id) ON SCHEMA s', ['a column list is only allowed ON TABLE, not ON SCHEMA']],
    ['SELECT (id) ON ALL TABLES IN SCHEMA s', ['a column list is only allowed ON TABLE, not ON ALL TABLES IN SCHEMA']],
    ['DELETE (id) ON TABLE t', ['DELETE cannot be limited to columns (only SELECT, INSERT, UPDATE, REFERENCES)']],
    ['ALL (id) ON TABLE t', ['ALL cannot take a column list: name the privileges (SELECT, INSERT, UPDATE, REFERENCES)']],
    ['SELECT () ON TABLE t', ['expected a column name in the column list']],
    ['SELECT (id ON TABLE t', ['expected ) after the column list']],
    ['SELECT (id, id) ON TABLE t', ['a column is listed twice for SELECT']],
    ['SELECT (a), SELECT (b) ON TABLE t', ['SELECT is listed more than once with a column list (give it one list)']],
    ['SELECT (a); DROP TABLE t ON TABLE t', ['unexpected character ";" at position 11']],
    ['SELECT ("") ON TABLE t', ['an identifier is empty']],
    ['SELECT ON TABLE "unterminated', ['unexpected character "\\"" at position 17']],
    ['SELECT ON TABLE ""', ['an identifier is empty']],
    [`SELECT ON TABLE ${'x'.repeat(64)}`, [`identifier "${'x'.repeat(64)}" is longer than 63 bytes`]],
    ['INSERT ON SEQUENCE s', ['INSERT is not a privilege on SEQUENCE (allowed: USAGE, SELECT, UPDATE, ALL)']],
    ['CONNECT, FOO ON SCHEMA s', [
      'CONNECT is not a privilege on SCHEMA (allowed: CREATE, USAGE, ALL)',
      'FOO is not a privilege on SCHEMA (allowed: CREATE, USAGE, ALL)',
    ]],
    ['USAGE ON ALL TABLES IN SCHEMA s', ['USAGE is not a privilege on ALL TABLES IN SCHEMA (allowed: SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, ALL)']],
    ['ALL, SELECT ON TABLE t', ['expected ON after the privileges']],
  ])('%j is refused', (text, problems) => {
    expect(parsePrivilege(text)).toEqual({ ok: false, problems });
    expect(checkPrivilege(text)).toEqual(problems);
  });

  it('checkPrivilege finds nothing wrong with a valid entry', () => {
    expect(checkPrivilege('SELECT ON TABLE public.orders')).toEqual([]);
  });
});
