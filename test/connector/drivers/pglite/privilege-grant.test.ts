import { parsePrivilege } from '../../../../src/connector/drivers/postgres/privileges';
import { renderGrant } from '../../../../src/connector/drivers/pglite/privilege-grant';

describe('PGlite GRANT rendering (grammar shared with the PostgreSQL driver)', () => {
  test.each([
    ['SELECT ON ALL TABLES IN SCHEMA shop', 'GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', ['shop', 'g']],
    ['SELECT, INSERT, UPDATE ON TABLE shop.orders', 'GRANT SELECT, INSERT, UPDATE ON TABLE %I.%I TO %I', ['shop', 'orders', 'g']],
    ['USAGE ON SCHEMA shop', 'GRANT USAGE ON SCHEMA %I TO %I', ['shop', 'g']],
    ['SELECT ON TABLE "My ""Odd"" Schema"."Tbl;--"', 'GRANT SELECT ON TABLE %I.%I TO %I', ['My "Odd" Schema', 'Tbl;--', 'g']],
    ['SELECT (id, "E-Mail"), UPDATE (total) ON TABLE shop.orders', 'GRANT SELECT (%I, %I), UPDATE (%I) ON TABLE %I.%I TO %I', ['id', 'E-Mail', 'total', 'shop', 'orders', 'g']],
    ['USAGE, SELECT ON ALL SEQUENCES IN SCHEMA shop', 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', ['shop', 'g']],
  ])('%s', (entry, template, identifiers) => {
    const parsed = parsePrivilege(entry);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(renderGrant(parsed.value, 'g')).toEqual({ template, identifiers });
  });
});
