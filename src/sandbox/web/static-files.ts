import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

/**
 * Files under `root` by URL path; unknown paths get `index.html` when `spaFallback` is set (the UI routes
 * in the browser). Paths are normalised and must stay inside `root`.
 */
export async function serveStatic(root: string, pathname: string, options: { spaFallback: boolean }): Promise<Response | undefined> {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const candidate = join(root, relative);
  if (candidate !== root && !candidate.startsWith(root + sep)) return new Response('Not found', { status: 404 });
  const file = (await isFile(candidate)) ? candidate : options.spaFallback && (await isFile(join(root, 'index.html'))) ? join(root, 'index.html') : undefined;
  if (file === undefined) return undefined;
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  return new Response(await readFile(file), { headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cache } });
}
