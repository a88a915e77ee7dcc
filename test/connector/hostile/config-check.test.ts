import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** `jit-connector --check --config FILE`, as an operator runs it. */
function check(config: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jit-check-'));
  try {
    writeFileSync(join(dir, 'connector.yaml'), config);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/connector/cli.ts', '--check', '--config', join(dir, 'connector.yaml')], { cwd: ROOT, encoding: 'utf8' });
    return { status: result.status, output: result.stdout + result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An operator fixes what `--check` reports and runs it again: a problem it kept back (a bad privilege entry
 * hidden behind a schema error elsewhere) costs a second round, and a deployment that trusted the first.
 */
describe('--check reports every problem of a config in one run', () => {
  it('names bad privilege entries even when another part of the config is wrong', () => {
    const { status, output } = check(`
secrets: ["short"]
targets:
  - id: orders
    engine: postgres
    url: postgres://x@127.0.0.1:1/z
    environment: prod
    roles:
      read: { privileges: ["SELECT public.orders"] }
      scoped: { privileges: ["SELECT (id, total) ON TABLE public.orders", "DELETE (id) ON TABLE public.orders"] }
  - id: shop
    engine: mysql
    url: mysql://x@127.0.0.1:1/z
    environment: prod
    roles:
      read: { privileges: ["SELECT ON *.*"] }
      write: { privileges: ["GRANT OPTION ON shop.*"] }
      scoped: { privileges: ["SELECT (id, total) ON shop.orders", "SELECT (id) ON shop.*"] }
`);
    expect(status).toBe(2);
    expect(output).toContain('secrets[0]: a signing secret needs at least 16 characters');
    expect(output).toContain('targets[0].roles.read.privileges[0] ("SELECT public.orders")');
    expect(output).toContain('targets[1].roles.read.privileges[0] ("SELECT ON *.*")');
    expect(output).toContain('targets[1].roles.write.privileges[0] ("GRANT OPTION ON shop.*")');
    expect(output).not.toContain('scoped.privileges[0]');
    expect(output).toContain(
      'targets[0].roles.scoped.privileges[1] ("DELETE (id) ON TABLE public.orders"): DELETE cannot be limited to columns (only SELECT, INSERT, UPDATE, REFERENCES)',
    );
    expect(output).toContain('targets[1].roles.scoped.privileges[1] ("SELECT (id) ON shop.*"): "SELECT (id) ON shop.*": a column list is only allowed on one table');
  });
});
