import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, connectInfo, loadConfigFile, parseConfig, type PrivilegeCheckers } from '../../src/connector/config/load-config';

const checkers: PrivilegeCheckers = {
  postgres: { checkPrivilege: (text) => (/ ON /.test(text) ? [] : ['expected PRIVILEGES ON KIND NAME']) },
  mysql: { checkPrivilege: (text) => (/ ON /.test(text) ? [] : ['expected PRIVILEGES ON db.table']) },
  pglite: { checkPrivilege: () => [] },
};

const VALID = `
listen: { host: 127.0.0.1, port: 8787 }
secrets: ["\${JIT_CONNECTOR_SECRET}"]
ledger: "file:./data/ledger"
targets:
  - id: orders-prod
    engine: postgres
    url: "postgres://admin:\${ORDERS_ADMIN_PW}@10.0.0.5:5432/orders"
    environment: prod
    owner: orders_owner
    roles:
      read:  { memberOf: [orders_read] }
      write: { privileges: ["SELECT, INSERT, UPDATE ON TABLE public.orders"] }
`;
const env = { JIT_CONNECTOR_SECRET: 'a-secret-of-enough-length', ORDERS_ADMIN_PW: 'pw' };

function problemsOf(text: string, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfig(text, 'test.yml', environment, checkers);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('connector config', () => {
  it('parses the documented example with ${VAR} interpolation and defaults, frozen', () => {
    const config = parseConfig(VALID, 'test.yml', env, checkers);
    expect(config.secrets).toEqual(['a-secret-of-enough-length']);
    expect(config.targets[0]?.url).toBe('postgres://admin:pw@10.0.0.5:5432/orders');
    expect(config.targets[0]?.roles.read).toEqual({ memberOf: ['orders_read'], privileges: [] });
    expect(Object.isFrozen(config.targets[0]?.roles)).toBe(true);
    expect(connectInfo(config.targets[0]!)).toEqual({ host: '10.0.0.5', port: 5432, database: 'orders' });
  });

  it('reports every problem at once, with where it is', () => {
    const text = `
secrets: ["short"]
ledger: "redis://x"
unknownKey: 1
targets:
  - id: Bad_Id
    engine: oracle
    url: "\${MISSING_VAR}"
    environment: prod
    roles: {}
  - id: ok
    engine: postgres
    url: postgres://x@y/z
    environment: dev
    roles:
      read: { privileges: ["SELECT public.orders"] }
  - id: ok
    engine: mysql
    url: mysql://x@y/z
    environment: dev
    roles:
      read: { memberOf: [] }
`;
    const problems = problemsOf(text, {});
    expect(problems).toEqual(
      expect.arrayContaining([
        'targets[0].url: environment variable MISSING_VAR is not set',
        'secrets[0]: a signing secret needs at least 16 characters',
        expect.stringMatching(/^ledger: ledger must be/),
        expect.stringMatching(/unknownKey/),
        expect.stringMatching(/^targets\[0\]\.id: /),
        expect.stringMatching(/^targets\[0\]\.engine: /),
        'targets[0].roles: a target needs at least one role',
        'targets[2].roles.read: an access level needs at least one memberOf role or privilege',
        'targets[2].id: duplicate target id ok',
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(9);
  });

  it('takes guards on gateway targets only, and only the known ones', () => {
    const gateway = VALID.replace('targets:', 'gateway: { postgres: { listen: { host: 127.0.0.1, port: 6432 } } }\ntargets:').replace('    owner: orders_owner', '    owner: orders_owner\n    access: gateway');
    const guarded = gateway.replace('read:  { memberOf: [orders_read] }', 'read:  { memberOf: [orders_read], guard: [read-only, no-drop] }');
    expect(parseConfig(guarded, 'test.yml', env, checkers).targets[0]?.roles.read?.guard).toEqual(['read-only', 'no-drop']);
    expect(problemsOf(guarded.replace('no-drop]', 'no-truncate]'))).toEqual([
      'targets[0].roles.read.guard[1]: Invalid option: expected one of "no-ddl"|"no-drop"|"no-unqualified-write"|"read-only"',
    ]);
    expect(problemsOf(VALID.replace('read:  { memberOf: [orders_read] }', 'read:  { memberOf: [orders_read], guard: [read-only] }'))).toEqual([
      'targets[0].roles.read.guard: guard is only for targets with access: gateway (a direct login is not seen by the connector)',
    ]);
  });

  it('takes masking and unmasked on gateway targets only, columns named schema.table.column', () => {
    const gateway = VALID.replace('targets:', 'gateway: { postgres: { listen: { host: 127.0.0.1, port: 6432 } } }\ntargets:').replace('    owner: orders_owner', '    owner: orders_owner\n    access: gateway');
    const masked = gateway.replace('    roles:', '    masking: { public.customers.email: email, public.customers.ssn: hash }\n    roles:').replace('read:  { memberOf: [orders_read] }', 'read:  { memberOf: [orders_read], unmasked: true }');
    const config = parseConfig(masked, 'test.yml', env, checkers);
    expect(config.targets[0]?.masking).toEqual({ 'public.customers.email': 'email', 'public.customers.ssn': 'hash' });
    expect(config.targets[0]?.roles.read?.unmasked).toBe(true);
    expect(problemsOf(masked.replace('public.customers.ssn: hash', 'customers.ssn: hash'))).toEqual([
      'targets[0].masking.customers.ssn: a masked column is named schema.table.column, as the catalog spells them',
    ]);
    expect(problemsOf(masked.replace('public.customers.ssn: hash', 'public.customers.ssn: blur'))).toEqual([
      'targets[0].masking.public.customers.ssn: Invalid option: expected one of "email"|"partial"|"hash"|"null"',
    ]);
    const direct = masked.replace('\n    access: gateway', '');
    expect(problemsOf(direct)).toEqual([
      'targets[0].masking: masking is only for targets with access: gateway (a direct login reads the database itself: leave the column out of its privileges instead)',
      'targets[0].roles.read.unmasked: unmasked is only for targets with access: gateway (a direct login is not seen by the connector)',
    ]);
  });

  it('checks privileges with the engine once the shape is valid', () => {
    const text = VALID.replace('SELECT, INSERT, UPDATE ON TABLE public.orders', 'DROP EVERYTHING');
    expect(problemsOf(text)).toEqual(['targets[0].roles.write.privileges[0] ("DROP EVERYTHING"): expected PRIVILEGES ON KIND NAME']);
  });

  it('refuses YAML that does not parse, and a file that is not there', async () => {
    expect(problemsOf('targets: [')[0]).toMatch(/^not valid YAML/);
    await expect(loadConfigFile('/nonexistent/connector.yml', env, checkers)).rejects.toMatchObject({ problems: ['cannot read the file: ENOENT'] });
  });

  it('reads a file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-config-'));
    writeFileSync(join(dir, 'connector.yml'), VALID);
    const config = await loadConfigFile(join(dir, 'connector.yml'), env, checkers);
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8787 });
  });
});
