import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a PGlite target keeps its data: `pglite:memory`, `pglite:<dir>`, `pglite:file:<dir>` or `pglite:file:///abs/dir`. */
export type PgliteLocation = { storage: 'memory' } | { storage: 'directory'; path: string };

export function parseTargetUrl(url: string): PgliteLocation | { problem: string } {
  if (!url.startsWith('pglite:')) return { problem: 'a PGlite target url starts with "pglite:"' };
  const rest = url.slice('pglite:'.length);
  if (rest === 'memory') return { storage: 'memory' };
  if (rest.startsWith('file://')) return { storage: 'directory', path: fileURLToPath(rest) };
  const path = rest.startsWith('file:') ? rest.slice('file:'.length) : rest;
  if (path === '') return { problem: 'a PGlite target url names "memory" or a data directory' };
  return { storage: 'directory', path: resolve(path) };
}
