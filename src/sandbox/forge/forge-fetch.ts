import { z } from 'zod';
import { ForgeEmulatorError } from './errors';
import type { Invocation } from './invocation-context';
import { handleKvsRequest } from './kvs/kvs-http';
import type { KvsStore } from './kvs/kvs-store';
import type { JsmIdentity, ProductHandler } from './product';
import type { EventQueue } from './queue';
import { type WebTriggerUrls, handleStargateRequest } from './stargate';

// The first argument of __forge_fetch__ as @forge/api 8.3.0 (fetch.js, __fetchProduct) and @forge/kvs 1.6.x
// (index.js, getFetchClient) build it. Strict: a new field or type from an upgrade fails loudly.
const descriptorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('kvs'), provider: z.literal('app').optional(), remote: z.literal('kvs').optional() }),
  z.strictObject({
    type: z.literal('fpp'),
    provider: z.enum(['app', 'user', 'none']),
    remote: z.string(),
    accountId: z.string().optional(),
  }),
]);

export type ForgeFetchDeps = {
  kvs: KvsStore;
  queue: EventQueue;
  webTriggers: WebTriggerUrls;
  product: ProductHandler;
  siteUrl: string;
  proxyToken: string;
  /** The manifest's `permissions.scopes`, which Atlassian checks on every product call the app makes. */
  scopes: readonly string[];
};

/** Routes one `__forge_fetch__` call: storage, product REST (with the identity Forge would use), or the gateway. */
export async function forgeFetch(
  deps: ForgeFetchDeps,
  rawDescriptor: unknown,
  path: string,
  init: RequestInit | undefined,
  invocation: Invocation,
): Promise<Response> {
  const parsed = descriptorSchema.safeParse(rawDescriptor);
  if (!parsed.success) {
    throw new ForgeEmulatorError('UNKNOWN_SEAM_CALL', `Unsupported __forge_fetch__ call ${JSON.stringify(rawDescriptor)} for ${path}`);
  }
  const descriptor = parsed.data;
  if (descriptor.type === 'kvs') {
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization !== null && authorization !== `Bearer ${deps.proxyToken}`) {
      return new Response(JSON.stringify({ code: 'UNAUTHORIZED', message: 'Invalid proxy token' }), { status: 401 });
    }
    return handleKvsRequest(deps.kvs, path, jsonBody(init, path));
  }
  if (descriptor.remote === 'jira') {
    const identity = identityFor(descriptor.provider, descriptor.accountId, invocation, deps.scopes);
    if (identity === undefined) {
      // What @forge/api turns into NeedsAuthenticationError: asUser() with no user behind the invocation.
      return new Response(null, { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } });
    }
    return deps.product.handle(new Request(new URL(path, deps.siteUrl), init), identity);
  }
  if (descriptor.remote === 'stargate' && descriptor.provider === 'app') {
    return handleStargateRequest(path, jsonBody(init, path), deps);
  }
  throw new ForgeEmulatorError('UNSUPPORTED', `The Forge emulator serves no ${descriptor.provider} requests to ${descriptor.remote} (${path})`);
}

function identityFor(provider: 'app' | 'user' | 'none', accountId: string | undefined, invocation: Invocation, scopes: readonly string[]): JsmIdentity | undefined {
  if (provider === 'app') return { kind: 'app', scopes };
  if (provider === 'none') return { kind: 'anonymous' };
  const user = accountId ?? invocation.principalAccountId;
  return user === undefined ? undefined : { kind: 'user', accountId: user, scopes };
}

function jsonBody(init: RequestInit | undefined, path: string): unknown {
  if (typeof init?.body !== 'string') {
    throw new ForgeEmulatorError('SEAM_MISMATCH', `Expected a JSON string body for ${path}`);
  }
  try {
    return JSON.parse(init.body);
  } catch (cause) {
    throw new ForgeEmulatorError('SEAM_MISMATCH', `The body for ${path} is not JSON`, { cause });
  }
}
