import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../../src/connector/config/load-config';
import { driverFactories } from '../../src/connector/drivers/registry';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const env = { JIT_CONNECTOR_SECRET: 'a-secret-of-at-least-16-chars', ORDERS_ADMIN_PW: 'x', SHOP_ADMIN_PW: 'y' };

/** Unit directives as name → values (a directive may repeat). */
function directives(unit: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) found.set(match[1], [...(found.get(match[1]) ?? []), match[2] ?? '']);
  }
  return found;
}

describe('deploy/', () => {
  it('ships an example config the connector accepts, with every secret taken from the environment', () => {
    const text = read('deploy/connector.example.yaml');
    const config = parseConfig(text, 'connector.example.yaml', env, driverFactories);
    expect(config.targets.map((target) => [target.id, target.engine])).toEqual([['orders-prod', 'postgres'], ['shop-staging', 'mysql']]);
    expect(config.ledger).toBe('file:/var/lib/jit-connector/ledger');
    expect(config.secrets).toEqual([env.JIT_CONNECTOR_SECRET]);
    expect(() => parseConfig(text, 'connector.example.yaml', {}, driverFactories)).toThrow(/environment variable JIT_CONNECTOR_SECRET is not set/);
  });

  it('has a hardened systemd unit that checks the config before it starts', () => {
    const unit = directives(read('deploy/jit-connector.service'));
    expect(unit.get('DynamicUser')).toEqual(['yes']);
    expect(unit.get('NoNewPrivileges')).toEqual(['yes']);
    expect(unit.get('ProtectSystem')).toEqual(['strict']);
    expect(unit.get('StateDirectory')).toEqual(['jit-connector']);
    expect(unit.get('ReadWritePaths')).toEqual(['/var/lib/jit-connector']);
    expect(unit.get('EnvironmentFile')).toEqual(['/etc/jit-connector/env']);
    expect(unit.get('CapabilityBoundingSet')).toEqual(['']);
    expect(unit.get('KillSignal')).toEqual(['SIGTERM']);
    expect(unit.get('ExecStartPre')?.[0]).toMatch(/ --config \/etc\/jit-connector\/connector\.yaml --check$/);
    expect(unit.get('ExecStart')?.[0]).toBe('/usr/bin/node /opt/jit-connector/dist/connector/cli.js --config /etc/jit-connector/connector.yaml');
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('has a Dockerfile on node:20-slim that runs as a non-root user with a health check', () => {
    const dockerfile = read('deploy/Dockerfile');
    expect(dockerfile.match(/^FROM .*$/gm)).toEqual(['FROM node:20-slim AS build', 'FROM node:20-slim']);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^RUN npm ci --omit=dev /m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*http:\/\/127\.0\.0\.1:8787\/v1\/health/m);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev --ignore-scripts /m);
    expect(runtime).not.toMatch(/tsx|typescript|esbuild/);
  });

  it('compiles the connector in the image as package.json does and copies exactly what tsconfig.build.json emits', () => {
    const dockerfile = read('deploy/Dockerfile');
    const pkg = z.looseObject({ bin: z.record(z.string(), z.string()), scripts: z.record(z.string(), z.string()) }).parse(JSON.parse(read('package.json')));
    const build = z.looseObject({ compilerOptions: z.looseObject({ outDir: z.string(), rootDir: z.string() }), include: z.array(z.string()) }).parse(JSON.parse(read('tsconfig.build.json')));
    expect(dockerfile).toMatch(/^RUN npm run build:connector$/m);
    expect(pkg.scripts['build:connector']).toBe('tsc -p tsconfig.build.json');
    const copied = [...dockerfile.matchAll(/^COPY --from=build \/build\/(\S+) \.\/(\S+)$/gm)].map((match) => [match[1], match[2]]);
    const emitted = build.include.map((dir) => dir.replace(build.compilerOptions.rootDir, build.compilerOptions.outDir));
    expect(copied).toEqual(emitted.map((dir) => [dir, dir]));
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "/app/${pkg.bin['jit-connector']}"]`);
    expect(directives(read('deploy/jit-connector.service')).get('ExecStart')?.[0]).toContain(`/opt/jit-connector/${pkg.bin['jit-connector']} `);
  });

  it('starts the compiled entry point the image and the unit run, and it validates the example config', () => {
    const cli = join(root, 'dist', 'connector', 'cli.js');
    if (!existsSync(cli)) throw new Error('dist/connector/cli.js is missing: npm install (prepare) or npm run build:connector builds it');
    // --offline: the example's database hosts are placeholders, not servers to connect to.
    const output = execFileSync(process.execPath, [cli, '--config', join(root, 'deploy', 'connector.example.yaml'), '--check', '--offline'], {
      env: { ...env, PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(output).toBe('config OK: 2 target(s): orders-prod, shop-staging\n');
  });
});
