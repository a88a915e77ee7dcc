import { pgliteDriver } from '../../../../src/connector/drivers/pglite';
import { parsePrivilege, renderGrant } from '../../../../src/connector/drivers/pglite/privilege-grammar';

describe('PGlite privilege entries', () => {
  test.each([
    ['SELECT ON ALL TABLES IN SCHEMA shop', 'GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', ['shop', 'g']],
    ['SELECT, INSERT, UPDATE ON TABLE shop.orders', 'GRANT SELECT, INSERT, UPDATE ON TABLE %I.%I TO %I', ['shop', 'orders', 'g']],
    ['usage on schema shop', 'GRANT USAGE ON SCHEMA %I TO %I', ['shop', 'g']],
    ['CREATE ON SCHEMA public', 'GRANT CREATE ON SCHEMA %I TO %I', ['public', 'g']],
    ['ALL PRIVILEGES ON TABLE Shop.Orders', 'GRANT ALL PRIVILEGES ON TABLE %I.%I TO %I', ['shop', 'orders', 'g']],
    ['ALL ON TABLE a, b.c', 'GRANT ALL PRIVILEGES ON TABLE %I, %I.%I TO %I', ['a', 'b', 'c', 'g']],
    ['SELECT ON TABLE "My ""Odd"" Schema"."Tbl;--"', 'GRANT SELECT ON TABLE %I.%I TO %I', ['My "Odd" Schema', 'Tbl;--', 'g']],
    ['USAGE, SELECT ON ALL SEQUENCES IN SCHEMA shop', 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', ['shop', 'g']],
    ['EXECUTE ON ALL FUNCTIONS IN SCHEMA api', 'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I', ['api', 'g']],
    ['CONNECT, TEMP ON DATABASE postgres', 'GRANT CONNECT, TEMP ON DATABASE %I TO %I', ['postgres', 'g']],
    ['SELECT ON TABLE ÉTé.Ünï', 'GRANT SELECT ON TABLE %I.%I TO %I', ['Été', 'Ünï', 'g']],
  ])('%s is accepted and rendered with placeholders only', (entry, template, identifiers) => {
    expect(pgliteDriver.checkPrivilege(entry)).toEqual([]);
    const parsed = parsePrivilege(entry);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(renderGrant(parsed.value, 'g')).toEqual({ template, identifiers });
  });

  test.each([
    ['', ['empty privilege entry']],
    ['SELECT shop.orders', ['expected ON, found "shop"']],
    ['SELECT ON shop.orders', ['expected an object kind (TABLE, SEQUENCE, SCHEMA, DATABASE, ALL TABLES|SEQUENCES|FUNCTIONS IN SCHEMA), found "shop"']],
    ['DROP ON TABLE shop.orders', ['unknown privilege "DROP"']],
    ['SELECT ON TABLE shop.orders TO public', ['unexpected "TO" after the object names']],
    ['SELECT ON TABLE shop.orders WITH GRANT OPTION', ['unexpected "WITH" after the object names']],
    ['SELECT ON TABLE shop.orders; DROP TABLE x', ['unexpected character ";" at position 28']],
    ['SELECT (id) ON TABLE shop.orders', ['unexpected character "(" at position 8']],
    ['SELECT ON TABLE "shop.orders', ['unterminated quoted name']],
    ['SELECT ON TABLE ""', ['empty quoted name']],
    ['SELECT ON TABLE a.b.c', ['unexpected "." after the object names']],
    ['SELECT ON SCHEMA shop', ['SELECT does not apply to SCHEMA']],
    ['USAGE, EXECUTE ON TABLE t', ['USAGE does not apply to TABLE', 'EXECUTE does not apply to TABLE']],
    ['SELECT, SELECT ON TABLE t', ['a privilege is listed twice']],
    ['USAGE ON SCHEMA a.b', ['a schema name cannot be qualified']],
    ['SELECT ON ALL VIEWS IN SCHEMA s', ['expected TABLES, SEQUENCES or FUNCTIONS after ALL, found "VIEWS"']],
    ['SELECT ON ALL TABLES shop', ['expected IN SCHEMA, found "shop"']],
    ['SELECT ON TABLE', ['expected a name, found end of entry']],
    ['SELECT, ON TABLE t', ['expected a privilege, found "ON"']],
    [`SELECT ON TABLE ${'x'.repeat(64)}`, [`name "${'x'.repeat(64)}" is longer than 63 bytes`]],
  ])('%j is refused', (entry, problems) => {
    expect(pgliteDriver.checkPrivilege(entry)).toEqual(problems);
  });
});
