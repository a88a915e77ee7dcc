import { AsyncLocalStorage } from 'node:async_hooks';

/** What `global.__forge_runtime__` holds during one invocation: the fields @forge/api, kvs and events read. */
export type ForgeRuntimeGlobal = {
  proxy: { token: string; url: string };
  tracing: { traceId: string; spanId: string };
  metrics: {
    counter(name: string, tags?: Record<string, string>): { incr(): void };
    timing(name: string, tags?: Record<string, string>): { measure(): { stop(tags?: Record<string, string>): void } };
  };
  appContext: {
    appId: string;
    appVersion: string;
    environmentId: string;
    environmentType: string;
    invocationId: string;
    installationId: string;
    moduleKey: string;
    license: undefined;
    installation: undefined;
    permissions: { scopes: string[]; external: { fetch: { backend: string[] } } };
  };
  lambdaContext: { getRemainingTimeInMillis(): number };
  contextAri: string;
  kvs: { url: string; host: string };
  container: { appCodeDir: string };
  /** The calling user, read by @forge/api's `authorize()`. */
  aaid: string | undefined;
  externalAuth: [];
};

/** The services one runtime instance offers the seam; each invocation carries its runtime's. */
export type SeamServices = {
  forgeFetch(descriptor: unknown, path: string, init: RequestInit | undefined, invocation: Invocation): Promise<Response>;
  /** Throws Forge's egress error when `url` is not in the manifest's backend fetch permissions. */
  assertEgressAllowed(url: string): void;
};

export type Invocation = {
  invocationId: string;
  /** The user the invocation acts for (resolver caller, web trigger has none). */
  principalAccountId: string | undefined;
  forgeRuntime: ForgeRuntimeGlobal;
  services: SeamServices;
  /** True once the invocation outlived its time limit: Forge would have stopped it. */
  cutOff(): boolean;
};

const invocations = new AsyncLocalStorage<Invocation>();

export function currentInvocation(): Invocation | undefined {
  return invocations.getStore();
}

/** Runs `fn` with its own `__forge_runtime__`, so concurrent invocations never see each other's identity. */
export function runInInvocation<T>(invocation: Invocation, fn: () => Promise<T>): Promise<T> {
  return invocations.run(invocation, fn);
}
