// The Forge emulator installs the platform globals; it must load before anything that loads @forge/api.
import { DEFAULT_APP_ACCOUNT_ID, createForgeRuntime, type ForgeRuntime } from '../forge';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { startConnector, type RunningConnector } from '../../connector/connector';
import { driverFactories } from '../../connector/drivers/registry';
import { createLogger } from '../../connector/log';
import { createJsmEmulator, type JsmEmulator } from '../jsm';
import { forgeContentSecurityPolicy } from '../web/forge-csp';
import { listenSandboxWeb } from '../web/server';
import { ALERT_PATH, type ResolverRequest } from '../web/sandbox-api';
import { appResolvers, type IssueContext } from './app-resolvers';
import { sandboxConnectorConfig, sandboxMarker, type SandboxDatabases } from './connector-config';
import { customUiPages, isBuilt, notBuiltWarning } from './custom-ui-pages';
import { TARGETS } from './demo-directory';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';
import { endAllGrants } from './end-grants';
import { freePort } from './free-port';
import { ensureOwnerRole } from './owner-role';
import { resolveOptions, type SandboxOptions, type SandboxOptionsInput } from './options';
import { seedApp, type SeededApp } from './seed-app';
import { seedDirectory, type SeededDirectory } from './seed-directory';
import { seedShopDatabases } from './shop-databases';

const PROJECT_ROOT = join(__dirname, '../../..');
export const SANDBOX_UI_DIR = join(PROJECT_ROOT, 'dist', 'sandbox-ui');
const MANIFEST = join(PROJECT_ROOT, 'manifest.yml');

export type RunningSandbox = {
  url: string;
  options: SandboxOptions;
  directory: SeededDirectory;
  /** Undefined while the app's manifest has no resolvers to configure it with. */
  app: SeededApp | undefined;
  connectorUrl: string;
  /** Where the connector writes its JSON log lines. */
  connectorLog: string;
  /** Where requesters connect: the SQL gateway's address on this machine (none with --target-url and no --gateway). */
  gatewayEndpoint: { host: string; port: number } | undefined;
  /** The embedded PostgreSQL server's log, unless --target-url. */
  databaseLog: string | undefined;
  startedInMs: number;
  /** What is not built yet, with the command that builds it; printed with the banner. */
  warnings: string[];
  jsm: JsmEmulator;
  runtime: ForgeRuntime;
  connector: RunningConnector;
  stop(): Promise<void>;
};

const issueContextShape = z.looseObject({ id: z.string(), key: z.string(), fields: z.looseObject({ project: z.looseObject({ id: z.string(), key: z.string() }) }) });

/** The issue context a UI module on that issue would carry, looked up as the app. */
async function issueContext(jsm: JsmEmulator, key: string): Promise<IssueContext> {
  const response = await jsm.handle(new Request(`http://sandbox.local/rest/api/3/issue/${encodeURIComponent(key)}?fields=project`), { kind: 'app' });
  if (!response.ok) throw new Error(`issue ${key} not found`);
  const issue = issueContextShape.parse(await response.json());
  return { issue: { key: issue.key, id: issue.id }, project: { key: issue.fields.project.key, id: issue.fields.project.id } };
}

/** The demo targets' databases: the user's server with --target-url, else the embedded server, seeded. */
async function openDatabases(options: SandboxOptions): Promise<{ databases: SandboxDatabases; embedded?: EmbeddedServer }> {
  if (options.targetUrl !== undefined) return { databases: { targetUrl: options.targetUrl, gateway: options.gateway } };
  const embedded = await startEmbeddedServer(options.dataDir);
  try {
    return { databases: { embedded: await seedShopDatabases(embedded, TARGETS.map((target) => target.id)) }, embedded };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/**
 * `npm start`: the connector (the embedded PostgreSQL server or --target-url), the JSM emulator, the Forge runtime
 * running the app's real handlers, seeded as an admin would, and the browser UI with the REST API.
 */
export async function startSandbox(input: SandboxOptionsInput = {}): Promise<RunningSandbox> {
  const started = Date.now();
  const options = resolveOptions(input);
  // The database server starts (initdb on a fresh directory) while the app's runtime loads; a failure is thrown below.
  const opening = openDatabases(options);
  opening.catch(() => undefined);
  const web = await listenSandboxWeb(options.port);
  const jsm = createJsmEmulator({ baseUrl: web.url, appAccountId: DEFAULT_APP_ACCOUNT_ID });
  const connectorPort = await freePort();
  const connectorUrl = `http://127.0.0.1:${connectorPort}`;
  const sweepMs = options.sweepSeconds * 1000;
  const runtime = createForgeRuntime({
    manifestPath: MANIFEST,
    appSourceRoot: join(PROJECT_ROOT, 'src'),
    product: jsm,
    extraBackendEgress: [connectorUrl, web.url],
    clock: { mode: 'real', scheduledPeriodMs: { fiveMinute: sweepMs, hour: sweepMs, day: sweepMs, week: sweepMs } },
    appAccountId: DEFAULT_APP_ACCOUNT_ID,
  });
  await runtime.listen();
  const callback = runtime.manifest.webtriggers[0];

  const { databases, embedded } = await opening;
  const secret = randomBytes(32).toString('hex');
  const connectorLog = join(options.dataDir, 'connector.log');
  const marker = sandboxMarker(options);
  const config = sandboxConnectorConfig({
    dataDir: options.dataDir,
    marker,
    secret,
    port: connectorPort,
    databases,
    callbackUrl: callback === undefined ? undefined : runtime.webTriggerUrl(callback.key),
  });
  const log = createLogger({ destination: pino.destination({ dest: connectorLog, sync: true, mkdir: true }) });
  const owned = config.targets.find((target) => target.owner !== undefined);
  if (owned?.owner !== undefined) await ensureOwnerRole(owned.url, owned.owner);
  const [connector, directory] = await Promise.all([
    startConnector({ config, factories: driverFactories, log }),
    seedDirectory(jsm, new Date()),
  ]);
  // Grants a killed run left in a kept --data ledger: their tickets went with it. (Without --data on a real
  // server, the fresh ledger knows nothing and start-up reconciliation has already revoked the marker's logins.)
  await endAllGrants(connector);

  const resolvers = appResolvers(runtime);
  // Until the app's manifest declares a UI module with a resolver, nothing can configure it as an admin would.
  const app: SeededApp | undefined =
    runtime.manifest.resolverModules.length === 0 ? undefined : await seedApp({ jsm, resolvers, directory, connector: { url: connector.url, secret }, alertWebhookUrl: `${web.url}${ALERT_PATH}` });
  const users = Object.values(directory.users);
  const byEmail = new Map(users.map((user) => [user.email, user.accountId]));
  const isAdmin = (accountId: string) => accountId === directory.users.admin.accountId;
  const pages = customUiPages(MANIFEST);
  const warnings = [
    ...(isBuilt({ buildDir: SANDBOX_UI_DIR }) ? [] : ['The browser UI is not built (dist/sandbox-ui missing): run `npm run build` and reload the browser.']),
    ...[notBuiltWarning(pages, PROJECT_ROOT)].filter((warning) => warning !== undefined),
  ];
  const durationField = app?.fields.duration;
  web.attach({
    uiDir: SANDBOX_UI_DIR,
    rest: { jsm, directory: (email) => byEmail.get(email), durationFieldIds: () => (durationField ? [durationField] : []) },
    api: {
      directory: (email) => byEmail.get(email),
      // Printed like the app's own log lines: a newcomer sees the alert a security channel would get.
      receiveAlert: (alert) => console.log(JSON.stringify({ event: 'sandbox.break-glass-alert', ...alert })),
      info: () => ({
        users: users.map(({ accountId, email, displayName, role }) => ({ accountId, email, displayName, role, isAdmin: isAdmin(accountId), isAgent: jsm.admin.isAgent(accountId) })),
        pages: pages.map((page) => ({ moduleKey: page.moduleKey, type: page.type, title: page.title, built: isBuilt(page) })),
        serviceDeskId: directory.serviceDeskId,
        projectKey: directory.projectKey,
        changeKey: directory.changeKey,
        requestTypes: app?.requestTypes ?? null,
        fields: app?.fields ?? {},
        targets: config.targets.map((target) => ({ id: target.id, environment: target.environment, engine: target.engine })),
        sweepSeconds: options.sweepSeconds,
      }),
      invokeResolver: async (accountId: string, request: ResolverRequest) =>
        resolvers.raw(
          accountId,
          request.functionKey,
          request.payload ?? {},
          request.issueKey
            ? await issueContext(jsm, request.issueKey)
            : request.requestTypeId
              ? { portal: { id: Number(directory.serviceDeskId) }, request: { typeId: Number(request.requestTypeId) } }
              : undefined,
          request.moduleKey,
        ),
      raisePortalRequest: (accountId, request, properties) => jsm.raisePortalRequest(accountId, request, properties),
    },
    customUi: {
      pages,
      contentSecurityPolicy: forgeContentSecurityPolicy(MANIFEST),
      viewer: (email) => {
        const user = users.find((candidate) => candidate.email === email);
        return user === undefined ? undefined : { email: user.email, accountId: user.accountId, isAdmin: isAdmin(user.accountId) };
      },
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await web.close();
      await runtime.stop();
      await endAllGrants(connector);
      await connector.stop();
      await embedded?.stop();
      if (options.dataDirIsTemporary) await rm(options.dataDir, { recursive: true, force: true });
    })());
  const gatewayEndpoint = connector.context.gateway?.endpoints.postgres ?? connector.context.gateway?.endpoints.mysql;
  return { url: web.url, options, directory, app, connectorUrl: connector.url, connectorLog, gatewayEndpoint, databaseLog: embedded?.log, startedInMs: Date.now() - started, warnings, jsm, runtime, connector, stop };
}
