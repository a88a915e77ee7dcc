import { randomBytes } from 'node:crypto';
import type { ForgeRuntimeGlobal } from './invocation-context';

export type RuntimeIdentity = {
  appId: string;
  environmentId: string;
  installationId: string;
  cloudId: string;
  appCodeDir: string;
  scopes: string[];
  backendEgress: string[];
  /** One token per runtime: @forge/kvs captures it when it loads, so it cannot change per invocation. */
  proxyToken: string;
};

const noopMetrics: ForgeRuntimeGlobal['metrics'] = {
  counter: () => ({ incr: () => undefined }),
  timing: () => ({ measure: () => ({ stop: () => undefined }) }),
};

export const KVS_HOST = 'kvs.forge-emulator.invalid';

/** The object `global.__forge_runtime__` returns during one invocation. */
export function buildForgeRuntimeObject(
  identity: RuntimeIdentity,
  invocation: { invocationId: string; moduleKey: string; deadline: number; principalAccountId: string | undefined },
): ForgeRuntimeGlobal {
  return {
    proxy: { token: identity.proxyToken, url: 'https://proxy.forge-emulator.invalid' },
    tracing: { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') },
    metrics: noopMetrics,
    appContext: {
      appId: identity.appId,
      appVersion: '1.0.0',
      environmentId: identity.environmentId,
      environmentType: 'DEVELOPMENT',
      invocationId: invocation.invocationId,
      installationId: identity.installationId,
      moduleKey: invocation.moduleKey,
      license: undefined,
      installation: undefined,
      permissions: { scopes: identity.scopes, external: { fetch: { backend: identity.backendEgress } } },
    },
    lambdaContext: { getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()) },
    contextAri: installContext(identity.cloudId),
    kvs: { url: `https://${KVS_HOST}`, host: KVS_HOST },
    container: { appCodeDir: identity.appCodeDir },
    aaid: invocation.principalAccountId,
    externalAuth: [],
  };
}

export function installContext(cloudId: string): string {
  return `ari:cloud:jira::site/${cloudId}`;
}
