import { z } from 'zod';
import { callerOf, unauthorized, type Directory } from './basic-auth';

/** A resolver call from the UI: the sandbox adds who is signed in and the issue context, as the bridge does. */
export const resolverRequestSchema = z.strictObject({
  functionKey: z.string().min(1).max(100),
  payload: z.unknown().optional(),
  issueKey: z.string().regex(/^[A-Z][A-Z0-9]+-\d+$/).optional(),
  moduleKey: z.string().min(1).max(100).optional(),
  /** The request type of the portal's create form the call comes from. */
  requestTypeId: z.string().regex(/^\d+$/).optional(),
});

/** What the portal's create screen sends: the request, and the issue properties its app panels submitted. */
export const portalRequestSchema = z.strictObject({
  request: z.unknown(),
  properties: z.array(z.strictObject({ key: z.string(), value: z.unknown() })).max(20).default([]),
});
export type ResolverRequest = z.infer<typeof resolverRequestSchema>;

export type SandboxApiDeps = {
  directory: Directory;
  /** What the UI needs to start: demo users, the service desk, the targets. No secret. */
  info(): unknown;
  invokeResolver(accountId: string, request: ResolverRequest): Promise<unknown>;
  /** Raises a request from the portal as the signed-in customer (JsmEmulator.raisePortalRequest). */
  raisePortalRequest(accountId: string, request: unknown, properties: ReadonlyArray<{ key: string; value: unknown }>): Promise<Response>;
  /** A break-glass alert the app sent to the sandbox's own alert webhook (ALERT_PATH). */
  receiveAlert(alert: Record<string, unknown>): void;
};

/** The sandbox's alert webhook: the app posts break-glass alerts here, as it would to a chat or SIEM hook. */
export const ALERT_PATH = '/sandbox/api/alerts';

const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  Response.json({ errorMessages: [message], errors: {}, ...extra }, { status });

async function parseJson<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    return { ok: false, response: error(400, 'Malformed JSON body.') };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: error(400, z.prettifyError(parsed.error)) };
  return { ok: true, value: parsed.data };
}

/** The sandbox's own endpoints under /sandbox/api/: start-up info, resolver calls, portal requests, alerts. */
export async function handleSandboxApi(request: Request, deps: SandboxApiDeps): Promise<Response> {
  const { pathname } = new URL(request.url);
  const method = request.method.toUpperCase();
  if (method === 'GET' && pathname === '/sandbox/api/info') return Response.json(deps.info());
  if (method === 'POST' && pathname === ALERT_PATH) {
    const alert = await parseJson(request, z.record(z.string(), z.unknown()));
    if (!alert.ok) return alert.response;
    deps.receiveAlert(alert.value);
    return new Response(null, { status: 202 });
  }
  if (method !== 'POST' || !['/sandbox/api/resolver', '/sandbox/api/portal/request'].includes(pathname)) return error(404, `No resource at ${pathname}.`);

  const caller = callerOf(request, deps.directory);
  if (caller.kind !== 'user') return unauthorized();
  if (pathname === '/sandbox/api/portal/request') {
    const body = await parseJson(request, portalRequestSchema);
    if (!body.ok) return body.response;
    return deps.raisePortalRequest(caller.accountId, body.value.request, body.value.properties);
  }
  const body = await parseJson(request, resolverRequestSchema);
  if (!body.ok) return body.response;
  try {
    return Response.json({ result: (await deps.invokeResolver(caller.accountId, body.value)) ?? null });
  } catch (failure) {
    return error(502, (failure as Error).message);
  }
}
