import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { WebTriggerRequest, WebTriggerResponse } from './modules/web-triggers';

export const MAX_WEB_TRIGGER_BODY_BYTES = 1024 * 1024;

export type WebTriggerListener = { url: string; close(): Promise<void> };

/**
 * A small HTTP server so something outside the process (the connector) can call the app's web triggers at the
 * URLs `webTrigger.getUrl` hands out: `<base>/x1/<id>[/more/path]`.
 */
export async function listenForWebTriggers(options: {
  host: string;
  port: number;
  keyForId(id: string): string | undefined;
  call(key: string, request: WebTriggerRequest): Promise<WebTriggerResponse>;
}): Promise<WebTriggerListener> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The web trigger listener has no TCP address');
  return {
    url: `http://${options.host}:${address.port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: Parameters<typeof listenForWebTriggers>[0],
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://listener');
  const id = /^\/x1\/([^/]+)/.exec(url.pathname)?.[1];
  const key = id === undefined ? undefined : options.keyForId(id);
  if (key === undefined) {
    res.writeHead(404).end();
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413).end();
    return;
  }
  const queryParameters: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) queryParameters[name] = [...(queryParameters[name] ?? []), value];
  const response = await options.call(key, {
    method: req.method ?? 'GET',
    headers: Object.fromEntries(Object.entries(req.headersDistinct).map(([name, values]) => [name, values ?? []])),
    body,
    path: url.pathname,
    queryParameters,
  });
  for (const [name, values] of Object.entries(response.headers ?? {})) res.setHeader(name, values);
  res.writeHead(response.statusCode).end(response.body ?? '');
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_WEB_TRIGGER_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
