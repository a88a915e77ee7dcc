import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { injectBridgeShim, type ShimOptions } from '../../../static/shared/bridge-shim';

const STATIC = join(__dirname, '..', '..', '..', 'static');
const PAGES = { 'admin-page': 'jit-admin-page', 'ticket-panel': 'jit-ticket-panel' } as const;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

export type Viewer = { email: string; accountId: string };

/**
 * Hosts the built pages as BRIDGE-SHIM.md describes, on one origin with the sandbox's APIs: files from
 * static/<page>/build, index.html with the bridge shim for `?as=<email>&issue=<key>&theme=<mode>`, and
 * /sandbox/api and /rest proxied to the running sandbox.
 */
export async function hostPages(sandboxUrl: string, viewers: readonly Viewer[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(error instanceof Error ? error.message : 'error');
    });
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://host');
    if (url.pathname.startsWith('/sandbox/api/') || url.pathname.startsWith('/rest/')) return proxy(request, response, `${sandboxUrl}${url.pathname}${url.search}`);
    const [, page, ...rest] = url.pathname.split('/');
    if (page !== 'admin-page' && page !== 'ticket-panel') return void response.writeHead(404).end();
    const root = join(STATIC, page, 'build');
    const file = normalize(join(root, rest.join('/') || 'index.html'));
    if (!file.startsWith(root + sep)) return void response.writeHead(404).end();
    const body = await readFile(file).catch(() => undefined);
    if (!body) return void response.writeHead(404).end();
    if (extname(file) !== '.html') return void response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    const viewer = viewers.find((candidate) => candidate.email === url.searchParams.get('as'));
    if (!viewer) return void response.writeHead(400).end('?as=<demo user email> is required');
    const issue = url.searchParams.get('issue');
    const options: ShimOptions = { ...viewer, moduleKey: PAGES[page], colorMode: url.searchParams.get('theme') === 'dark' ? 'dark' : 'light', ...(issue ? { issueKey: issue } : {}) };
    response.writeHead(200, { 'content-type': TYPES['.html'] }).end(injectBridgeShim(body.toString('utf8'), options));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function proxy(request: IncomingMessage, response: ServerResponse, target: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array));
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(target, { method: request.method ?? 'GET', headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
  response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
}
