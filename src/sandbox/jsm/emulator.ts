import { createAdmin, type JsmAdmin } from './admin';
import { CallLog, type CallFilter, type CallRecord } from './call-log';
import { EventBus } from './event-bus';
import { ApiError, errorResponse, type ErrorFlavour } from './errors';
import { serveHttp } from './http-server';
import { IssueOps } from './issue-ops';
import { resolveActor, type Roles } from './permissions';
import { RateLimiter } from './rate-limit';
import { OPERATION_POLICIES, operationKey, type OperationPolicy } from './operation-policy';
import { matchRoute, type Route, type RouteContext } from './router';
import { routes } from './routes';
import { createCustomerRequest } from './routes/jsm-requests';
import { seedDefaults } from './seed-defaults';
import { State } from './state';
import type { ForgeProductEvent, JsmIdentity } from './types';

export type JsmEmulatorOptions = {
  /** Prefix of every `self` and `_links` URL. */
  baseUrl?: string;
  /** The clock; tests pass a controllable one. */
  now?: () => Date;
  /** Members are service desk agents (and see internal comments, every request). */
  agentsGroup?: string;
  /** Members are Jira administrators (and may create fields and request types). */
  adminsGroup?: string;
  /** The account the Forge app acts as: author of its comments, `atlassianId` of its events. */
  appAccountId?: string;
  appDisplayName?: string;
};

export interface JsmEmulator {
  /** Serve one request in-process (fetch API Request/Response; same code the HTTP server uses). */
  handle(request: Request, identity: JsmIdentity): Promise<Response>;
  /** Real HTTP server: authenticates Basic (email + any token) as a user; returns the URL. */
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  /** Product events emitted after each change (Forge shapes), for the runtime to deliver. */
  onEvent(listener: (event: ForgeProductEvent) => void): () => void;
  /**
   * The customer portal's own create call (internal to JSM, not public REST): the request with the issue
   * properties its create-form panels submitted (`view.submit`), set before the created event, as the
   * signed-in customer. Same checks and answers as `POST /rest/servicedeskapi/request`.
   */
  raisePortalRequest(accountId: string, body: unknown, properties: ReadonlyArray<{ key: string; value: unknown }>): Promise<Response>;
  readonly admin: JsmAdmin;
  readonly calls: { count(filter?: CallFilter): number; reset(): void; readonly log: readonly CallRecord[] };
}

/** Jira's limits on entity properties: keys up to 255 characters, values up to 32,768 characters of JSON. */
const PROPERTY_KEY = /^.{1,255}$/s;
const MAX_PROPERTY_CHARS = 32_768;

const BODYLESS = new Set(['GET', 'HEAD', 'DELETE']);

const UNSUPPORTED_MEDIA = 'Unsupported Media Type';

/** The body, read once before the handler runs: JSON text, or multipart/form-data for the operations that take files. */
async function readBody(request: Request): Promise<{ json(): unknown; form(): FormData }> {
  const bodyless = BODYLESS.has(request.method.toUpperCase());
  if (!bodyless && /^multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '')) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch (error) {
      throw new ApiError(400, `The multipart body could not be read: ${(error as Error).message}`);
    }
    return {
      json: () => {
        throw new ApiError(415, UNSUPPORTED_MEDIA);
      },
      form: () => form,
    };
  }
  const text = bodyless ? '' : await request.text();
  return {
    json: () => {
      if (text.trim() === '') throw new ApiError(400, 'No content to map due to end-of-input');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new ApiError(400, `Unexpected character in JSON body: ${(error as Error).message}`);
      }
    },
    form: () => {
      throw new ApiError(415, UNSUPPORTED_MEDIA);
    },
  };
}

const EXPERIMENTAL_MESSAGE = "This API is experimental. Experimental APIs are not guaranteed to be stable within the preview period. You must set the header 'X-ExperimentalApi: opt-in' to opt into using this API.";

function policyOf(route: Route): OperationPolicy {
  const policy = OPERATION_POLICIES[operationKey(route.method, route.path)];
  if (!policy) throw new Error(`no operation policy for ${route.method} ${route.path}`);
  return policy;
}

/** A Forge call carries the app's manifest scopes; one of the operation's scope sets must be among them. */
function scopesAllow(policy: OperationPolicy, identity: JsmIdentity): boolean {
  if (identity.kind === 'anonymous' || identity.scopes === undefined) return true;
  const granted = new Set(identity.scopes);
  return policy.scopes.some((set) => set.every((scope) => granted.has(scope)));
}

/** What Atlassian's API gateway answers a Forge app whose manifest lacks the operation's scopes. */
function scopeMismatch(): Response {
  return Response.json({ code: 401, message: 'Unauthorized; scope does not match' }, { status: 401, headers: { 'x-failure-category': 'FAILURE_CLIENT_SCOPE_CHECK' } });
}

export function createJsmEmulator(options: JsmEmulatorOptions = {}): JsmEmulator {
  const roles: Roles = {
    agentsGroup: options.agentsGroup ?? 'jira-servicedesk-agents',
    adminsGroup: options.adminsGroup ?? 'jira-admins',
    appAccountId: options.appAccountId ?? '557058:jit-access-app',
  };
  const state = new State(options.now ?? (() => new Date()), (options.baseUrl ?? 'https://jsm.sandbox.local').replace(/\/$/, ''));
  seedDefaults(state);
  state.users.set(roles.appAccountId, {
    accountId: roles.appAccountId,
    emailAddress: 'jit-access-app@connect.atlassian.com',
    displayName: options.appDisplayName ?? 'JIT Database Access',
    accountType: 'app',
    active: true,
    timeZone: 'UTC',
  });
  const events = new EventBus();
  const ops = new IssueOps(state, events, roles.appAccountId);
  const limiter = new RateLimiter(state.now);
  const calls = new CallLog();
  const admin = createAdmin(state, roles, events, limiter, ops);

  async function serve(request: Request, identity: JsmIdentity, path: string, flavour: ErrorFlavour): Promise<Response> {
    try {
      const match = matchRoute(routes, request.method.toUpperCase(), path);
      if (!match.route) throw new ApiError(match.pathKnown ? 405 : 404, match.pathKnown ? 'Method not allowed.' : `No resource at ${path}.`);
      const policy = policyOf(match.route);
      if (!scopesAllow(policy, identity)) return scopeMismatch();
      if (policy.experimental && request.headers.get('x-experimentalapi')?.toLowerCase() !== 'opt-in') throw new ApiError(412, EXPERIMENTAL_MESSAGE, {}, 'sd.api.experimental.opt.in.required');
      const retryAfter = limiter.check();
      if (retryAfter !== null) return errorResponse(new ApiError(429, 'Rate limit exceeded.'), flavour, { 'Retry-After': String(retryAfter) });
      const actor = resolveActor(state, roles, identity);
      // The body is read before the handler runs, so a handler's checks and changes happen in one turn.
      const body = await readBody(request);
      const url = new URL(request.url);
      const context: RouteContext = { state, ops, roles, actor, params: match.params, query: url.searchParams, headers: request.headers, json: async () => body.json(), form: async () => body.form() };
      return await match.route.handler(context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error, flavour);
      return Response.json({ errorMessages: [`Internal server error: ${(error as Error).message}`], errors: {} }, { status: 500 });
    }
  }

  const emulator: JsmEmulator = {
    async handle(request, identity) {
      const path = new URL(request.url).pathname;
      const flavour: ErrorFlavour = path.startsWith('/rest/servicedeskapi/') ? 'jsm' : 'jira';
      const response = await serve(request, identity, path, flavour);
      calls.record({ method: request.method.toUpperCase(), path, identity, status: response.status });
      return response;
    },
    async raisePortalRequest(accountId, body, properties) {
      try {
        const values = new Map<string, unknown>();
        for (const { key, value } of properties) {
          if (!PROPERTY_KEY.test(key)) throw new ApiError(400, `The property key '${key.slice(0, 300)}' is not valid.`);
          if ((JSON.stringify(value) ?? '').length > MAX_PROPERTY_CHARS) throw new ApiError(400, `The property '${key}' is longer than ${MAX_PROPERTY_CHARS} characters.`);
          values.set(key, value);
        }
        const actor = resolveActor(state, roles, { kind: 'user', accountId });
        const context: RouteContext = {
          state,
          ops,
          roles,
          actor,
          params: {},
          query: new URLSearchParams(),
          headers: new Headers({ 'content-type': 'application/json' }),
          json: async () => body,
          form: () => Promise.reject(new ApiError(415, 'A portal request is raised with a JSON body.')),
        };
        return createCustomerRequest(context, body, values);
      } catch (error) {
        if (error instanceof ApiError) return errorResponse(error, 'jsm');
        throw error;
      }
    },
    listen: (port, host) => serveHttp(state, emulator, port ?? 0, host ?? '127.0.0.1'),
    onEvent: (listener) => events.subscribe(listener),
    admin,
    calls,
  };
  return emulator;
}
