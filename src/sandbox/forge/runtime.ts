// install-globals must load before anything that loads @forge/api (see the note in that module).
import './install-globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { type Clock, ManualClock, RealClock } from './clock';
import { ForgeEmulatorError } from './errors';
import { createEgressGuard } from './egress';
import { forgeFetch } from './forge-fetch';
import { type RuntimeIdentity, installContext } from './forge-runtime-object';
import { InvocationLog, type InvocationRecord } from './invocation-log';
import { type InvocationOutcome, Invoker } from './invoker';
import { KvsStore } from './kvs/kvs-store';
import { type LoadedManifest, type ScheduleInterval, loadManifest } from './manifest-loader';
import { deliverToConsumer } from './modules/consumers';
import { type TriggerDelivery, deliverProductEvent } from './modules/product-triggers';
import { type ResolverCall, invokeResolver } from './modules/resolvers';
import { SCHEDULE_INTERVAL_MS, runScheduledTrigger, startScheduledTriggers } from './modules/scheduled-triggers';
import { type WebTriggerRequest, type WebTriggerResponse, callWebTrigger } from './modules/web-triggers';
import type { ForgeProductEvent, ProductHandler } from './product';
import { DEFAULT_MAX_RETRIES, EventQueue } from './queue';
import { type WebTriggerListener, listenForWebTriggers } from './web-trigger-server';

export type ClockOptions =
  | { mode: 'manual'; start?: Date }
  /** Wall-clock time; `scheduledPeriodMs` shortens scheduled trigger intervals for the sandbox. */
  | { mode: 'real'; scheduledPeriodMs?: Partial<Record<ScheduleInterval, number>> };

export type ForgeRuntimeOptions = {
  /** Path of the app's manifest.yml. */
  manifestPath: string;
  /** Where handlers resolve from: `index.onIssueEvent` is `<appSourceRoot>/index.ts`'s `onIssueEvent` (Forge's `src/`). */
  appSourceRoot: string;
  /** The product emulator product requests go to, and whose events reach the triggers. */
  product: ProductHandler;
  /** Backend egress allowed besides the manifest's (e.g. the sandbox's local connector URL). */
  extraBackendEgress?: string[];
  /** Default: manual, starting now. */
  clock?: ClockOptions;
  cloudId?: string;
  siteUrl?: string;
  /** The app's own account; product events by it count as self-generated for `filter.ignoreSelf`. */
  appAccountId?: string;
  maxQueueRetries?: number;
  /** Base of web trigger URLs before `listen()` is called (default: an unreachable placeholder). */
  webTriggerBaseUrl?: string;
  /**
   * Milliseconds per second of Forge's function time limits (default 1000). Tests that cut a function off
   * pass 1, so a 25 s limit ends after 25 ms of waiting for a handler that never finishes.
   */
  msPerLimitSecond?: number;
};

export type WebTriggerCall = Partial<WebTriggerRequest>;

export type ForgeRuntime = ReturnType<typeof createForgeRuntime>;

export const DEFAULT_CLOUD_ID = '00000000-0000-4000-8000-00000000c10d';
export const DEFAULT_APP_ACCOUNT_ID = '557058:forge-app-account';

/** Creates a Forge runtime for one installation of the app the manifest describes. */
export function createForgeRuntime(options: ForgeRuntimeOptions) {
  const manifest: LoadedManifest = loadManifest(options.manifestPath, options.appSourceRoot);
  const cloudId = options.cloudId ?? DEFAULT_CLOUD_ID;
  const siteUrl = options.siteUrl ?? 'https://jit-sandbox.atlassian.net';
  const install = installContext(cloudId);
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    const tracked = work.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const clockOptions = options.clock ?? { mode: 'manual' };
  const manualClock = clockOptions.mode === 'manual' ? new ManualClock((clockOptions.start ?? new Date()).getTime(), track) : undefined;
  const clock: Clock = manualClock ?? new RealClock(track);
  // What the installation may fetch: `permissions.canFetchFrom` reads it from the runtime, and the fetch guard enforces it.
  const backendEgress = [...manifest.backendEgress, ...(options.extraBackendEgress ?? [])];
  const identity: RuntimeIdentity = {
    appId: manifest.appId,
    environmentId: randomUUID(),
    installationId: randomUUID(),
    cloudId,
    appCodeDir: options.appSourceRoot,
    scopes: manifest.scopes,
    backendEgress,
    proxyToken: randomBytes(24).toString('base64url'),
  };
  const log = new InvocationLog();
  const kvs = new KvsStore(manifest.entities, () => clock.now());
  const webTriggerIds = new Map(manifest.webtriggers.map((module) => [module.key, randomUUID()]));
  let listener: WebTriggerListener | undefined;
  const webTriggerBase = () => listener?.url ?? options.webTriggerBaseUrl ?? 'https://webtrigger.forge-emulator.invalid';
  const webTriggers = {
    urlFor: (key: string) => {
      const id = webTriggerIds.get(key);
      return id === undefined ? undefined : `${webTriggerBase()}/x1/${id}`;
    },
    all: () => [...webTriggerIds].map(([triggerKey, id]) => ({ triggerKey, url: `${webTriggerBase()}/x1/${id}` })),
  };
  const assertEgressAllowed = createEgressGuard(backendEgress);
  // The queue and the invoker need each other (consumers push, the queue invokes consumers): `deliver` runs
  // only after `invoker` below exists.
  const queue: EventQueue = new EventQueue({
    clock,
    consumers: manifest.consumers,
    maxRetries: options.maxQueueRetries ?? DEFAULT_MAX_RETRIES,
    deliver: (consumer, event): Promise<InvocationOutcome> => deliverToConsumer({ invoker: ready, installContext: install }, consumer, event),
  });
  const fetchDeps = { kvs, queue, webTriggers, product: options.product, siteUrl, proxyToken: identity.proxyToken, scopes: manifest.scopes };
  const ready: Invoker = new Invoker({
    manifest,
    identity,
    clock,
    log,
    msPerLimitSecond: options.msPerLimitSecond ?? 1000,
    services: {
      forgeFetch: (descriptor, path, init, invocation): Promise<Response> => forgeFetch(fetchDeps, descriptor, path, init, invocation),
      assertEgressAllowed,
    },
  });
  const scheduledDeps = {
    invoker: ready,
    clock,
    triggers: manifest.scheduledTriggers,
    cloudId,
    installContext: install,
    periodMs: { ...SCHEDULE_INTERVAL_MS, ...(clockOptions.mode === 'real' ? clockOptions.scheduledPeriodMs : {}) },
  };
  startScheduledTriggers(scheduledDeps);
  const deliverEvent = (event: ForgeProductEvent): Promise<TriggerDelivery[]> =>
    deliverProductEvent(
      { invoker: ready, triggers: manifest.triggers, cloudId, installContext: install, appAccountId: options.appAccountId ?? DEFAULT_APP_ACCOUNT_ID },
      event,
    );
  const unsubscribe = options.product.onEvent?.((event) => track(deliverEvent(event)));

  const settle = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  };

  return {
    manifest,
    clock: {
      now: (): Date => new Date(clock.now()),
      /** Manual clock only: moves time, running what falls due (scheduled triggers, delayed events, retries), and waits for it. */
      advance: async (ms: number): Promise<void> => {
        if (manualClock === undefined) throw new ForgeEmulatorError('UNSUPPORTED', 'advance() needs the manual clock');
        await settle();
        await manualClock.advance(ms);
        await settle();
      },
    },
    /** Delivers a product event to the matching trigger modules and waits for them. */
    deliverProductEvent: deliverEvent,
    runScheduledTrigger: (key: string): Promise<InvocationOutcome> => runScheduledTrigger(scheduledDeps, key),
    invokeResolver: (call: ResolverCall): Promise<unknown> =>
      invokeResolver(
        { invoker: ready, modules: manifest.resolverModules, cloudId, siteUrl, environmentId: identity.environmentId, installContext: install },
        call,
      ),
    callWebTrigger: (key: string, request: WebTriggerCall = {}): Promise<WebTriggerResponse> =>
      callWebTrigger({ invoker: ready, webtriggers: manifest.webtriggers, installContext: install }, key, {
        method: request.method ?? 'POST',
        headers: request.headers ?? {},
        body: request.body ?? '',
        path: request.path ?? `/x1/${webTriggerIds.get(key) ?? key}`,
        queryParameters: request.queryParameters ?? {},
      }),
    webTriggerUrl: (key: string): string => {
      const url = webTriggers.urlFor(key);
      if (url === undefined) throw new ForgeEmulatorError('MODULE_NOT_FOUND', `No webtrigger module ${key}`);
      return url;
    },
    /** Starts the HTTP listener for web triggers (default 127.0.0.1 on a free port); URLs then point at it. */
    listen: async (listenOptions: { host?: string; port?: number } = {}): Promise<WebTriggerListener> => {
      if (listener !== undefined) throw new ForgeEmulatorError('UNSUPPORTED', 'The web trigger listener is already running');
      const keyForId = (id: string) => [...webTriggerIds].find(([, candidate]) => candidate === id)?.[0];
      const started = await listenForWebTriggers({
        host: listenOptions.host ?? '127.0.0.1',
        port: listenOptions.port ?? 0,
        keyForId,
        call: (key, request) => callWebTrigger({ invoker: ready, webtriggers: manifest.webtriggers, installContext: install }, key, request),
      });
      listener = started;
      return {
        url: started.url,
        close: async () => {
          listener = undefined;
          await started.close();
        },
      };
    },
    /** Waits until no invocation started by the runtime itself (events, queue, schedule) is still running. */
    settle,
    inspect: {
      invocations: (): readonly InvocationRecord[] => log.entries(),
      clearInvocations: (): void => log.clear(),
      queue: () => queue.contents(),
      kvs: () => kvs.inspect(),
      /** Secret values, for tests only: never show them in the sandbox UI or a log. */
      secretsForTests: () => kvs.inspectSecretsForTests(),
    },
    /** The store itself, for tests and fixtures to seed data without an invocation. Holds secrets: not for UIs. */
    kvsStoreForTests: kvs,
    stop: async (): Promise<void> => {
      unsubscribe?.();
      clock.stop();
      await listener?.close();
      listener = undefined;
      await settle();
    },
  };
}
