import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { TargetConfig } from '../../../src/connector/config/schema';
import { PgliteDriver, DEMO_ACCESS, seedDemo } from '../../../src/connector/drivers/pglite';
import { SECRET, startTestConnector, type TestConnector } from '../../connector/support/harness';
import { createSite, freePort, settle, type Site } from './app-site';
import { resolveOk, type AppIds } from './ticket';

/** The policies the lifecycle tests run under (the shipped access levels, rules chosen per path). */
export const testPolicies = [
  { id: 'break-glass-emergency', name: 'Break-glass emergency fix', when: { breakGlass: true, accessLevels: ['emergency-fix'] }, then: { type: 'auto-approve' } },
  { id: 'maintenance-in-change', name: 'Maintenance inside an approved change', when: { accessLevels: ['maintenance'], changeApproved: true, withinChangeWindow: true }, then: { type: 'auto-approve' } },
  { id: 'read-only-dev', name: 'Read-only on dev is automatic', when: { accessLevels: ['read-only'], environments: ['dev'], breakGlass: false }, then: { type: 'auto-approve' } },
  { id: 'fix-needs-lead', name: 'Emergency fix needs a DBA lead', when: { accessLevels: ['emergency-fix'], breakGlass: false }, then: { type: 'approval', group: 'dba-leads', count: 1 } },
] as const;

export interface AppUnderTest {
  site: Site;
  connector: TestConnector;
  connectorPort: number;
  dataDir: string;
  ids: AppIds;
  /** Starts the connector again on the same port and data directory (after `connector.stop()`). */
  restartConnector(): Promise<TestConnector>;
  demoDatabase(): Promise<Awaited<ReturnType<PgliteDriver['database']>>>;
  stop(): Promise<void>;
}

/**
 * The whole product for one test file: JSM emulator, the app on the Forge runtime emulator (web triggers
 * listening over HTTP), and a real connector with a PGlite `demo` target (environment dev) whose
 * callbacks reach the app's web trigger unless `callback` is false. The app is set up the way an admin
 * does it: connector URL and secret, targets, request types and fields, policies.
 */
export async function installApp(
  options: {
    callback?: boolean;
    alertWebhookUrl?: string;
    /** Serves the connector's SQL gateway on a free loopback port (for targets with `access: gateway`). */
    gateway?: boolean; extraEgress?: string[];     extraTargets?: TargetConfig[];
    /** Shortens the platform's time limits (test of a cut-off invocation). */
    msPerLimitSecond?: number;
  } = {},
): Promise<AppUnderTest> {
  const connectorPort = await freePort();
  const connectorUrl = `http://127.0.0.1:${connectorPort}`;
  const site = createSite({ extraBackendEgress: [connectorUrl, ...(options.extraEgress ?? [])], ...(options.msPerLimitSecond ? { msPerLimitSecond: options.msPerLimitSecond } : {}) });
  const listener = await site.runtime.listen();
  const dataDir = mkdtempSync(join(tmpdir(), 'jit-app-'));
  const config = {
    listen: { host: '127.0.0.1', port: connectorPort },
    ...(options.callback === false ? {} : { callback: { url: site.runtime.webTriggerUrl('connector-callback') } }),
    ...(options.gateway ? { gateway: { postgres: { listen: { host: '127.0.0.1', port: 0 } } } } : {}),
    targets: [{ id: 'demo', engine: 'pglite' as const, url: `pglite:${join(dataDir, 'demo-db')}`, environment: 'dev', seed: 'demo' as const, connect: { host: 'demo.db.internal', port: 5432, database: 'demo' }, roles: { read: DEMO_ACCESS.read, write: DEMO_ACCESS.write } }, ...(options.extraTargets ?? [])],
  };
  let connector = await startTestConnector(config, dataDir);
  await seedDemo(await demoDatabaseOf(connector));

  const admin = site.people.admin;
  await resolveOk(site, admin, 'setConnector', { url: connectorUrl, secret: SECRET });
  await resolveOk(site, admin, 'testConnection', { saveTargets: true });
  // Setup enables break-glass only with an alert destination already set.
  if (options.alertWebhookUrl) {
    const before = z.object({ settings: z.record(z.string(), z.unknown()), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, admin, 'getSettings'));
    await resolveOk(site, admin, 'saveSettings', { settings: before.settings, appConfig: { ...before.appConfig, alertWebhookUrl: options.alertWebhookUrl } });
  }
  const setup = z
    .object({ requestTypes: z.object({ access: z.string(), breakGlass: z.string() }), fields: z.record(z.string(), z.string()) })
    .parse(await resolveOk(site, admin, 'setupRequestTypes', { serviceDeskId: site.serviceDeskId }));
  const fields = z.object({ target: z.string(), accessLevel: z.string(), duration: z.string(), justification: z.string(), change: z.string() }).parse(setup.fields);
  // The manual steps of the admin guide: put the app's fields on both portal forms, and both types in a portal group.
  for (const typeId of [setup.requestTypes.access, setup.requestTypes.breakGlass]) {
    site.jsm.admin.setRequestTypeGroups(typeId, ['1']);
    site.jsm.admin.setRequestTypeFields(typeId, [
      { fieldId: 'summary', required: true },
      { fieldId: fields.target },
      { fieldId: fields.accessLevel },
      { fieldId: fields.duration },
      { fieldId: fields.justification },
      { fieldId: fields.change },
    ]);
  }
  const current = z.object({ settings: z.record(z.string(), z.unknown()), appConfig: z.record(z.string(), z.unknown()) }).parse(await resolveOk(site, admin, 'getSettings'));
  await resolveOk(site, admin, 'saveSettings', {
    settings: { ...current.settings, policies: testPolicies },
    appConfig: { ...current.appConfig, ...(options.alertWebhookUrl ? { alertWebhookUrl: options.alertWebhookUrl } : {}) },
  });
  await settle(site);

  const app: AppUnderTest = {
    site,
    get connector() {
      return connector;
    },
    connectorPort,
    dataDir,
    ids: { fields, requestTypes: setup.requestTypes },
    async restartConnector() {
      connector = await startTestConnector(config, dataDir);
      return connector;
    },
    demoDatabase: () => demoDatabaseOf(connector),
    async stop() {
      await site.runtime.stop();
      await listener.close().catch(() => undefined);
      await connector.stop();
    },
  };
  return app;
}

async function demoDatabaseOf(connector: TestConnector) {
  const driver = connector.context.targets.get('demo')?.driver;
  if (!(driver instanceof PgliteDriver)) throw new Error('the demo target is not PGlite');
  return driver.database();
}

/**
 * A fresh app for the enclosing `describe`, installed before its tests (console quiet) and stopped after them;
 * call the returned function inside a test to reach it.
 */
export function installedApp(...options: Parameters<typeof installApp>): () => AppUnderTest {
  let app: AppUnderTest | undefined;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    app = await installApp(...options);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.stop();
  });
  return () => {
    if (!app) throw new Error('the app is installed in beforeAll; reach it from inside a test');
    return app;
  };
}
