import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgeContentSecurityPolicy } from '../../../src/sandbox/web/forge-csp';

const ROOT = join(__dirname, '../../..');
const PAGE = '<!doctype html><html><head><script>window.x = 1;</script><script type="module" src="./assets/index.js"></script></head><body></body></html>';
const SITE = 'http://127.0.0.1:4321';

const directives = (policy: string) => new Map(policy.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));

describe("Forge's content security policy for the app's pages (@forge/csp)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'jit-forge-csp-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('allows inline styles only because manifest.yml declares them, and inline scripts only by hash', () => {
    const policy = directives(forgeContentSecurityPolicy(join(ROOT, 'manifest.yml'))(PAGE, SITE));
    expect(policy.get('style-src')).toContain("'unsafe-inline'");
    const hash = createHash('sha256').update('window.x = 1;').digest('base64');
    expect(policy.get('script-src')).toContain(`'sha256-${hash}'`);
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
    expect(policy.get('script-src')).not.toContain("'unsafe-eval'");
    expect(policy.get('connect-src')?.slice(0, 2)).toEqual(["'self'", SITE]);

    const withoutStyles = join(dir, 'manifest.yml');
    writeFileSync(withoutStyles, readFileSync(join(ROOT, 'manifest.yml'), 'utf8').replace(/ {2}content:\n(?: {4}.*\n)+/, ''));
    const strict = directives(forgeContentSecurityPolicy(withoutStyles)(PAGE, SITE));
    expect(strict.get('style-src')).not.toContain("'unsafe-inline'");
    expect(strict.get('style-src')?.[0]).toBe("'self'");
  });
});
