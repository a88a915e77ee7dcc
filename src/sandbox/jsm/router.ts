import type { ZodType } from 'zod';
import { badRequest, type ErrorFlavour } from './errors';
import type { IssueOps } from './issue-ops';
import type { Actor, Roles } from './permissions';
import type { State } from './state';

export type RouteContext = {
  state: State;
  ops: IssueOps;
  roles: Roles;
  actor: Actor;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body; a body that is missing or not JSON is a 400. */
  json(): Promise<unknown>;
  /** The multipart/form-data body; any other body is a 415. */
  form(): Promise<FormData>;
  headers: Headers;
};

export type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template with `{name}` segments, as in the OpenAPI description. */
  path: string;
  flavour: ErrorFlavour;
  handler(context: RouteContext): Promise<Response> | Response;
};

export type RouteMatch = { route: Route; params: Record<string, string> } | { route: null; pathKnown: boolean };

export function matchRoute(routes: Route[], method: string, pathname: string): RouteMatch {
  const segments = pathname.replace(/\/+$/, '').split('/');
  let pathKnown = false;
  for (const route of routes) {
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = template.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
        return segment !== '';
      }
      return part === segment;
    });
    if (!fits) continue;
    pathKnown = true;
    if (route.method === method) return { route, params };
  }
  return { route: null, pathKnown };
}

/** Parses a body against a zod schema; every problem becomes a field error on one 400. */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.join('.') || 'body'] = issue.message;
  throw badRequest('The request body is not valid.', errors);
}

export const json = (body: unknown, status = 200): Response => Response.json(body, { status });
export const noContent = (): Response => new Response(null, { status: 204 });
