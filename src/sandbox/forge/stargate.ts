import { z } from 'zod';
import { ForgeEmulatorError } from './errors';
import { type EventQueue, jobRequestSchema, pushRequestSchema } from './queue';

/** Web trigger URL lookups the runtime answers from its manifest and its HTTP listener. */
export type WebTriggerUrls = {
  urlFor(triggerKey: string): string | undefined;
  all(): Array<{ triggerKey: string; url: string }>;
};

// The GraphQL operations @forge/api 8.3.0's webTrigger module sends (webTrigger.js).
const graphqlRequestSchema = z.strictObject({ query: z.string(), variables: z.record(z.string(), z.unknown()).optional() });
const createUrlVariables = z.strictObject({
  input: z.looseObject({ appId: z.string(), envId: z.string(), triggerKey: z.string(), contextId: z.string() }),
  forceCreate: z.boolean().optional(),
});

// @forge/events sends these paths with their placeholders unfilled; Forge's proxy fills them.
const QUEUE_PATHS = {
  push: '/webhook/queue/publish/{contextAri}/{environmentId}/{appId}/{appVersion}',
  stats: '/webhook/queue/stats/{contextAri}/{environmentId}/{appId}/{appVersion}',
  cancel: '/webhook/queue/cancel/{contextAri}/{environmentId}/{appId}/{appVersion}',
};

/** Requests @forge/api and @forge/events send as the app to Atlassian's API gateway (remote `stargate`). */
export function handleStargateRequest(path: string, body: unknown, deps: { queue: EventQueue; webTriggers: WebTriggerUrls }): Response {
  switch (path) {
    case QUEUE_PATHS.push:
      return deps.queue.push(parseBody(pushRequestSchema, body, path));
    case QUEUE_PATHS.stats:
      return deps.queue.stats(parseBody(jobRequestSchema, body, path));
    case QUEUE_PATHS.cancel:
      return deps.queue.cancel(parseBody(jobRequestSchema, body, path));
    case '/graphql':
      return graphql(parseBody(graphqlRequestSchema, body, path), deps.webTriggers);
    default:
      throw new ForgeEmulatorError('UNKNOWN_SEAM_CALL', `The Forge emulator does not serve ${path} on the API gateway`);
  }
}

function graphql(request: z.infer<typeof graphqlRequestSchema>, webTriggers: WebTriggerUrls): Response {
  const operation = /(?:mutation|query)\s+(\w+)/.exec(request.query)?.[1];
  if (operation === 'forge_app_createWebTriggerUrl') {
    const { input } = parseBody(createUrlVariables, request.variables, operation);
    const url = webTriggers.urlFor(input.triggerKey);
    if (url === undefined) return json({ data: { createWebTriggerUrl: null }, errors: [{ message: `No web trigger ${input.triggerKey}` }] });
    return json({ data: { createWebTriggerUrl: { url } } });
  }
  if (operation === 'forge_app_webTriggerUrlsByAppContext') {
    return json({ data: { webTriggerUrlsByAppContext: webTriggers.all() } });
  }
  if (operation === 'forge_app_deleteWebTriggerUrl') {
    return json({ data: { deleteWebTriggerUrl: { success: true, message: null } } });
  }
  throw new ForgeEmulatorError('UNKNOWN_SEAM_CALL', `The Forge emulator does not answer GraphQL operation ${operation ?? '(unnamed)'}`);
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ForgeEmulatorError('SEAM_MISMATCH', `Unexpected request body for ${what}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}
