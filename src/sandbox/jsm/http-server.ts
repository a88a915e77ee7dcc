import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { State } from './state';
import type { JsmIdentity } from './types';

type Handler = { handle(request: Request, identity: JsmIdentity): Promise<Response> };

/**
 * Basic auth as Jira Cloud takes it: `email:api-token`. The sandbox has no secrets to check, so any
 * token is accepted for a known email; an unknown email or a malformed header is 401.
 */
export function identityFromAuthorization(state: State, header: string | undefined): JsmIdentity | 'invalid' {
  if (!header) return { kind: 'anonymous' };
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return 'invalid';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return 'invalid';
  const user = state.findUserByEmail(decoded.slice(0, separator));
  return user ? { kind: 'user', accountId: user.accountId } : 'invalid';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function respond(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function serveHttp(state: State, emulator: Handler, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const identity = identityFromAuthorization(state, req.headers.authorization);
      if (identity === 'invalid') {
        await respond(res, Response.json({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} }, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="sandbox"' } }));
        return;
      }
      const body = await readBody(req);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const method = (req.method ?? 'GET').toUpperCase();
      const request = new Request(`http://${host}${req.url ?? '/'}`, { method, headers, ...(method === 'GET' || method === 'HEAD' || !body ? {} : { body: new Uint8Array(body) }) });
      await respond(res, await emulator.handle(request, identity));
    })().catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
