import { changesRole } from '../../../../src/connector/drivers/pglite/statement-guard';

describe('statement guard (demo only)', () => {
  test.each([
    'SET ROLE postgres',
    'set role postgres',
    'SET SESSION ROLE postgres',
    'SET LOCAL ROLE postgres',
    'RESET ROLE',
    'SET "role" TO postgres',
    'SET role = postgres',
    'SET SESSION AUTHORIZATION postgres',
    'SET LOCAL SESSION AUTHORIZATION postgres',
    'RESET SESSION AUTHORIZATION',
    'SET session_authorization TO postgres',
    "SELECT set_config('role', 'postgres', false)",
    "select SET_CONFIG ('role', 'postgres', true)",
    'SET/**/ROLE postgres',
    'SET -- comment\nROLE postgres',
    'SELECT 1;\n  set\n\trole postgres',
  ])('%j is refused', (sql) => {
    expect(changesRole(sql)).toBe(true);
  });

  test.each([
    'SELECT * FROM shop.orders',
    'SELECT role FROM shop.staff',
    'SET search_path TO shop',
    'UPDATE shop.orders SET status = $$shipped$$ WHERE id = 1',
    'UPDATE shop.staff SET roles = 1',
    'SELECT current_role, session_user',
    'INSERT INTO shop.orders (status) VALUES (1) ON CONFLICT DO NOTHING',
  ])('%j is allowed', (sql) => {
    expect(changesRole(sql)).toBe(false);
  });
});
