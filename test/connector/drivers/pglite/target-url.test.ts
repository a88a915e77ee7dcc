import { resolve } from 'node:path';
import { parseTargetUrl } from '../../../../src/connector/drivers/pglite/target-url';

describe('PGlite target urls', () => {
  test.each([
    ['pglite:memory', { storage: 'memory' }],
    ['pglite:/var/lib/jit/demo', { storage: 'directory', path: '/var/lib/jit/demo' }],
    ['pglite:file:/var/lib/jit/demo', { storage: 'directory', path: '/var/lib/jit/demo' }],
    ['pglite:file:///var/lib/jit/demo', { storage: 'directory', path: '/var/lib/jit/demo' }],
    ['pglite:./data/demo', { storage: 'directory', path: resolve('data/demo') }],
    ['pglite:file:data/demo', { storage: 'directory', path: resolve('data/demo') }],
  ])('%s', (url, location) => {
    expect(parseTargetUrl(url)).toEqual(location);
  });

  test.each([
    ['postgres://localhost/db', 'a PGlite target url starts with "pglite:"'],
    ['pglite:', 'a PGlite target url names "memory" or a data directory'],
    ['pglite:file:', 'a PGlite target url names "memory" or a data directory'],
  ])('%s is refused', (url, problem) => {
    expect(parseTargetUrl(url)).toEqual({ problem });
  });
});
