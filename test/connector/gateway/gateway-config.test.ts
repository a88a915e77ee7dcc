import { ConfigError, parseConfig, type PrivilegeCheckers } from '../../../src/connector/config/load-config';

const checkers: PrivilegeCheckers = {
  postgres: { checkPrivilege: () => [] },
  mysql: { checkPrivilege: () => [] },
  pglite: { checkPrivilege: () => [] },
};
const env = { JIT_CONNECTOR_SECRET: 'a-secret-of-enough-length' };

const config = (gateway: string, target: string, engine = 'postgres', url = 'postgres://admin@10.0.0.5:5432/orders') => `
secrets: ["\${JIT_CONNECTOR_SECRET}"]
${gateway}
targets:
  - id: orders-prod
    engine: ${engine}
    url: "${url}"
    environment: prod
${target}
    roles:
      read: { memberOf: [orders_read] }
`;

const GATEWAY = `gateway:
  postgres: { listen: { host: 0.0.0.0, port: 6432 }, advertise: { host: db-gw.internal, port: 6432 }, tls: { cert: /etc/jit/gw.crt, key: /etc/jit/gw.key } }`;

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yml', env, checkers);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('gateway config', () => {
  it('parses the documented gateway block and a gateway target that records in full', () => {
    const parsed = parseConfig(config(GATEWAY, '    access: gateway\n    record: full'), 'test.yml', env, checkers);
    expect(parsed.gateway).toEqual({
      postgres: { listen: { host: '0.0.0.0', port: 6432 }, advertise: { host: 'db-gw.internal', port: 6432 }, tls: { cert: '/etc/jit/gw.crt', key: '/etc/jit/gw.key' } },
    });
    expect(parsed.targets[0]).toMatchObject({ access: 'gateway', record: 'full' });
  });

  it('parses a MySQL-wire gateway block for a mysql gateway target', () => {
    const parsed = parseConfig(
      config('gateway:\n  mysql: { listen: { host: 0.0.0.0, port: 3307 }, advertise: { host: db-gw.internal, port: 3307 } }', '    access: gateway', 'mysql', 'mysql://admin@10.0.0.6:3306/shop'),
      'test.yml',
      env,
      checkers,
    );
    expect(parsed.gateway).toEqual({ mysql: { listen: { host: '0.0.0.0', port: 3307 }, advertise: { host: 'db-gw.internal', port: 3307 } } });
    expect(parsed.targets[0]).toMatchObject({ engine: 'mysql', access: 'gateway' });
  });

  it('leaves a target direct when it says nothing', () => {
    expect(parseConfig(config('', ''), 'test.yml', env, checkers).targets[0]?.access).toBeUndefined();
  });

  it.each([
    ['a gateway target with no gateway block', config('', '    access: gateway'), ['targets[0].access: access: gateway needs a gateway.postgres block']],
    ['a mysql gateway target with only a PostgreSQL listener', config(GATEWAY, '    access: gateway', 'mysql', 'mysql://admin@10.0.0.6:3306/shop'), ['targets[0].access: access: gateway needs a gateway.mysql block']],
    ['a pglite gateway target', config(GATEWAY, '    access: gateway', 'pglite', 'pglite:/tmp/demo'), ['targets[0].access: the gateway serves postgres and mysql targets']],
    ['record on a direct target', config(GATEWAY, '    record: full'), ['targets[0].record: record is only for targets with access: gateway']],
    ['an unknown record mode', config(GATEWAY, '    access: gateway\n    record: everything'), [expect.stringMatching(/^targets\[0\]\.record: /)]],
    ['an unknown access mode', config(GATEWAY, '    access: proxy'), [expect.stringMatching(/^targets\[0\]\.access: /)]],
    ['a TLS block without its key', config('gateway:\n  postgres: { listen: { host: 0.0.0.0, port: 6432 }, tls: { cert: /x.crt } }', ''), [expect.stringMatching(/^gateway\.postgres\.tls\.key: /)]],
    ['an unknown key in the gateway block', config('gateway:\n  postgres: { listen: { host: 0.0.0.0, port: 6432 }, plaintext: true }', ''), [expect.stringMatching(/^gateway\.postgres: .*plaintext/)]],
  ])('refuses %s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems);
  });
});
