import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  checkSignatureHeaders,
  extendRequestSchema,
  queryRequestSchema,
  grantIdSchema,
  grantRequestSchema,
  grantStateSchema,
  MAX_CLOCK_SKEW_SECONDS,
  replayKey,
  verifySignature,
  type ErrorBody,
  type Health,
  type TargetList,
} from '../../protocol';
import { ConnectorError } from '../errors';
import type { Gateway } from '../gateway/gateway';
import type { GrantService } from '../grants/grant-service';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Targets } from '../targets';
import { readBody } from './read-body';

export interface ApiDependencies {
  grants: GrantService;
  /** The SQL gateway, when configured: it serves gateway grants' activity. */
  gateway?: Gateway | undefined;
  targets: Targets;
  secrets: readonly string[];
  /** Where accepted requests are remembered, so a replay is refused by every replica, before or after a restart. */
  ledger: Ledger;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
  health: () => Promise<Health>;
}

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
}

/**
 * Limits that keep unsigned or slow clients from holding the connector: a request's headers must arrive within
 * headersTimeoutMs and the whole request (headers and body) within requestTimeoutMs, an idle keep-alive connection
 * is closed after idleTimeoutMs, and past maxConnections new connections are closed at once, so the HTTP side can
 * never take the file descriptors the databases (and revocation) need. Answering may take longer (a revocation
 * waits for the database); only receiving is timed.
 */
export const HTTP_LIMITS = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, idleTimeoutMs: 10_000, maxConnections: 128 } as const;

/** The connector's HTTP API (docs/connector-api.md): signed requests, JSON in and out, stable error codes. */
export function createApiServer(deps: ApiDependencies): Server {
  const server = createServer(
    {
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
      requestTimeout: HTTP_LIMITS.requestTimeoutMs,
      keepAliveTimeout: HTTP_LIMITS.idleTimeoutMs,
      // How often Node enforces the two timeouts above (its default, 30 s, would let them overrun by that much).
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      const started = performance.now();
      handle(deps, request)
        .catch((error: unknown) => errorReply(deps.log, error))
        .then((reply) => {
          // Closing, or answering before the body was read: answer and hang up. Node keeps serving a keep-alive
          // connection that was busy when close() was called, so a client that never pauses would otherwise hold a
          // SIGTERM open indefinitely; and an unread body is not worth waiting for.
          if (!server.listening || !request.complete) response.setHeader('connection', 'close');
          send(response, reply);
          deps.log.info({ event: 'http.request', method: request.method, path: request.url?.split('?')[0], status: reply.status, ms: Math.round(performance.now() - started) });
        });
    },
  );
  server.maxConnections = HTTP_LIMITS.maxConnections;
  return server;
}

async function handle(deps: ApiDependencies, request: IncomingMessage): Promise<Reply> {
  const method = request.method ?? 'GET';
  const pathWithQuery = request.url ?? '/';
  const url = requestUrl(pathWithQuery);
  const path = url.pathname;

  if (path === '/v1/health') return allow(method, ['GET'], async () => ({ status: 200, body: await deps.health() }));
  if (path === '/metrics') {
    return allow(method, ['GET'], async () => ({ status: 200, body: await deps.metrics.registry.metrics(), contentType: deps.metrics.registry.contentType }));
  }

  const now = deps.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const signature = { timestampHeader: single(request.headers['x-jit-timestamp']), signatureHeader: single(request.headers['x-jit-signature']), nowSeconds };
  // Everything that needs no body is checked before a byte of it is read.
  const headers = checkSignatureHeaders(signature);
  if (!headers.ok) throw new ConnectorError(headers.reason, SIGNATURE_HELP[headers.reason]);
  if ((method === 'GET' || method === 'DELETE') && hasBody(request)) throw new ConnectorError('bad_request', `${method} requests carry no body`);

  const body = await readBody(request);
  const verdict = verifySignature({ ...signature, secrets: deps.secrets, method, pathWithQuery, body });
  if (!verdict.ok) throw new ConnectorError(verdict.reason, SIGNATURE_HELP[verdict.reason]);
  const until = new Date((verdict.content.timestamp + MAX_CLOCK_SKEW_SECONDS + 1) * 1000);
  if (!(await deps.ledger.rememberRequest(replayKey(verdict.content), until, now))) {
    throw new ConnectorError('replayed_request', 'this request (timestamp, method, path and body) was already accepted; sign every request afresh with a new timestamp');
  }

  if (path === '/v1/targets') return allow(method, ['GET'], async () => ({ status: 200, body: targetList(deps.targets) }));
  if (path === '/v1/grants') {
    return allow(method, ['GET', 'POST'], async () => {
      if (method === 'POST') return deps.grants.create(parse(grantRequestSchema, json(body)));
      const state = url.searchParams.get('state');
      const filter = state === null ? undefined : parse(grantStateSchema, state);
      return { status: 200, body: { grants: await deps.grants.list(filter) } };
    });
  }
  const grantPath = /^\/v1\/grants\/([^/]+)(\/extend|\/activity|\/query|\/schema)?$/.exec(path);
  if (grantPath) {
    const grantId = parse(grantIdSchema, decodePathSegment(grantPath[1] ?? ''));
    if (grantPath[2] === '/activity') {
      return allow(method, ['GET'], async () => {
        await deps.grants.get(grantId);
        if (!deps.gateway) throw new ConnectorError('no_activity_record', `grant ${grantId} is not behind the SQL gateway: its statements are not seen by the connector`);
        return { status: 200, body: await deps.gateway.activityPage(grantId, url.searchParams.get('next')) };
      });
    }
    if (grantPath[2] === '/query') {
      return allow(method, ['POST'], async () => {
        const request = parse(queryRequestSchema, json(body));
        await deps.grants.get(grantId);
        if (!deps.gateway) throw new ConnectorError('no_activity_record', `grant ${grantId} is not behind the SQL gateway: statements run through the connector only for gateway targets`);
        return { status: 200, body: await deps.gateway.query(grantId, request) };
      });
    }
    if (grantPath[2] === '/schema') {
      return allow(method, ['GET'], async () => {
        await deps.grants.get(grantId);
        if (!deps.gateway) throw new ConnectorError('no_activity_record', `grant ${grantId} is not behind the SQL gateway: its target's schema is read only for gateway targets`);
        return { status: 200, body: await deps.gateway.schema(grantId) };
      });
    }
    if (grantPath[2]) {
      return allow(method, ['POST'], async () => ({ status: 200, body: await deps.grants.extend(grantId, parse(extendRequestSchema, json(body)).notAfter) }));
    }
    return allow(method, ['GET', 'DELETE'], async () => (method === 'GET' ? { status: 200, body: await deps.grants.get(grantId) } : deps.grants.revoke(grantId)));
  }
  throw new ConnectorError('not_found', `no endpoint ${path}; see docs/connector-api.md`);
}

const SIGNATURE_HELP = {
  missing_signature: 'sign the request: X-Jit-Timestamp and X-Jit-Signature headers are required (docs/connector-api.md)',
  bad_signature: 'the signature does not match any configured secret; check the shared secret and that the exact body bytes are signed',
  stale_timestamp: 'X-Jit-Timestamp is more than 300 s from the connector clock; check both clocks (NTP)',
} as const;

function targetList(targets: Targets): TargetList {
  return {
    targets: [...targets.values()].map((target) => ({
      id: target.config.id,
      engine: target.config.engine,
      environment: target.config.environment,
      roles: Object.keys(target.config.roles),
      connect: target.connect,
    })),
  };
}

async function allow(method: string, methods: string[], run: () => Promise<Reply>): Promise<Reply> {
  if (!methods.includes(method)) throw new ConnectorError('method_not_allowed', `use ${methods.join(' or ')} here`);
  return run();
}

function json(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ConnectorError('bad_request', 'the body is not valid JSON');
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
  throw new ConnectorError('bad_request', detail);
}

/** Prefixed, not resolved against a base: a request-target such as `//x` stays a path and never becomes a host. */
function requestUrl(pathWithQuery: string): URL {
  try {
    return new URL(`http://connector${pathWithQuery}`);
  } catch {
    throw new ConnectorError('bad_request', 'the request path is not a valid URL path');
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ConnectorError('bad_request', 'the grantId in the path is not valid percent-encoding');
  }
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) !== 0;
}

function single(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header.join(',') : header;
}

function errorReply(log: Logger, error: unknown): Reply {
  if (error instanceof ConnectorError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    return { status: error.status, body };
  }
  log.error({ event: 'http.unexpected_error', error: (error as Error).message, stack: (error as Error).stack });
  const body: ErrorBody = { error: { code: 'internal', message: 'unexpected error; the connector log has the details' } };
  return { status: 500, body };
}

function send(response: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}
