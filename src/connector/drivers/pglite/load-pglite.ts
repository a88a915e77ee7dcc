import nodeModule from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';

const PgliteExports = z.object({ PGlite: z.custom<typeof PGlite>((value) => typeof value === 'function') });

/**
 * The PGlite class, loaded by Node's own CommonJS loader (`Module._load`, what `require` runs).
 *
 * Why not just the import above: PGlite's Node build calls `import('node:module')` and `import('fs/promises')`
 * while it starts. Jest runs code in a vm context with no dynamic-import hook unless node itself runs with
 * --experimental-vm-modules, and it replaces `createRequire` and `process.mainModule`, so under the project's
 * test command every PGlite start failed with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG. In the connector
 * itself `Module._load` returns the very module the import gave; the import is the fallback should Node ever
 * drop `_load`.
 */
export function pgliteClass(): typeof PGlite {
  const load: unknown = Reflect.get(nodeModule, '_load');
  if (typeof load !== 'function') return PGlite;
  const exported: unknown = Reflect.apply(load, nodeModule, [require.resolve('@electric-sql/pglite'), null, false]);
  return PgliteExports.parse(exported).PGlite;
}
