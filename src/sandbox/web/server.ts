import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CUSTOM_UI_PREFIX, serveCustomUi, type CustomUiDeps } from './custom-ui';
import { FORGE_THEME_PREFIX, serveForgeTheme } from './forge-theme';
import { BodyTooLarge, sendResponse, toFetchRequest } from './http-adapter';
import { proxyRest, type RestProxyOptions } from './rest-proxy';
import { handleSandboxApi, type SandboxApiDeps } from './sandbox-api';
import { serveStatic } from './static-files';

export type SandboxWebDeps = {
  rest: RestProxyOptions;
  api: SandboxApiDeps;
  /** The app's Custom UI pages (static/<resource>/build), with the bridge shim. */
  customUi: CustomUiDeps;
  /** The built browser UI (npm run build:sandbox-ui). */
  uiDir: string;
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>JIT sandbox</title>
<p>The browser UI is not built. Run <code>npm run build</code> (npm install runs it) and reload.
The REST API is served at <code>/rest/</code> already.</p>`;

async function route(request: Request, deps: SandboxWebDeps): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith('/rest/')) return proxyRest(request, deps.rest);
  if (pathname.startsWith('/sandbox/api/')) return handleSandboxApi(request, deps.api);
  if (request.method !== 'GET' && request.method !== 'HEAD') return Response.json({ errorMessages: ['Method not allowed.'], errors: {} }, { status: 405 });
  if (pathname.startsWith(CUSTOM_UI_PREFIX)) return serveCustomUi(request, deps.customUi);
  if (pathname.startsWith(FORGE_THEME_PREFIX)) return (await serveForgeTheme(pathname)) ?? new Response('Not found', { status: 404 });
  const file = await serveStatic(deps.uiDir, pathname, { spaFallback: true });
  return file ?? new Response(NOT_BUILT, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export type SandboxWebServer = {
  url: string;
  /** Starts serving; until then every request is answered 503 (the port is bound first so URLs are known). */
  attach(deps: SandboxWebDeps): void;
  close(): Promise<void>;
};

/** One origin for the browser UI, the JSM-compatible REST API and the sandbox's own endpoints. */
export async function listenSandboxWeb(port: number, host = '127.0.0.1'): Promise<SandboxWebServer> {
  let deps: SandboxWebDeps | undefined;
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (deps === undefined) {
        await sendResponse(res, Response.json({ errorMessages: ['The sandbox is starting; try again in a few seconds.'], errors: {} }, { status: 503, headers: { 'Retry-After': '2' } }));
        return;
      }
      const request = await toFetchRequest(req, origin);
      await sendResponse(res, await route(request, deps));
    })().catch(async (error: unknown) => {
      if (res.headersSent) return res.end();
      const status = error instanceof BodyTooLarge ? 413 : 500;
      await sendResponse(res, Response.json({ errorMessages: [status === 413 ? 'Request body too large.' : 'Internal server error.'], errors: {} }, { status }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${host}:${address.port}`;
  return {
    url: origin,
    attach: (ready) => {
      deps = ready;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
