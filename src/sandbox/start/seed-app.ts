import { defaultAccessLevels } from '../../core';
import type { JsmEmulator } from '../jsm';
import type { AppResolvers } from './app-resolvers';
import { TARGETS } from './demo-directory';
import type { SeededDirectory } from './seed-directory';

// The names the app's setupRequestTypes looks for (src/app/resolvers/setup-resolvers.ts). A JSM admin creates
// the target and access level fields as select lists first, so the portal offers fixed values (validValues);
// the app then finds and reuses them instead of creating text fields.
const TARGET_FIELD = 'JIT target database';
const ACCESS_LEVEL_FIELD = 'JIT access level';
/** The id of the portal group the admin shows the request types in. */
const PORTAL_GROUP = '1';

export type SeededApp = {
  requestTypes: { access: string; breakGlass: string };
  fields: Record<string, string>;
};

/**
 * Installs the app's configuration the way an admin does on a real site: the connector URL and signing
 * secret, Test connection (which saves the connector's targets), then Create request types; then the admin
 * puts the app's fields on both request forms and the types in a portal group (JSM's request type
 * editor, which has no REST API).
 */
export async function seedApp(options: {
  jsm: JsmEmulator;
  resolvers: AppResolvers;
  directory: SeededDirectory;
  connector: { url: string; secret: string };
  /** Where break-glass alerts go: setup enables the break-glass request type only once one is set. */
  alertWebhookUrl: string;
}): Promise<SeededApp> {
  const { jsm, resolvers, directory } = options;
  const admin = directory.users.admin.accountId;
  jsm.admin.createCustomField({ name: TARGET_FIELD, type: 'select', options: TARGETS.map((target) => target.id) });
  jsm.admin.createCustomField({ name: ACCESS_LEVEL_FIELD, type: 'select', options: defaultAccessLevels.map((level) => level.id) });

  await resolvers.call('setConnector', admin, { url: options.connector.url, secret: options.connector.secret });
  await resolvers.call('testConnection', admin, { saveTargets: true });
  const current = await resolvers.call('getSettings', admin, {});
  await resolvers.call('saveSettings', admin, { settings: current.settings, appConfig: { ...current.appConfig, alertWebhookUrl: options.alertWebhookUrl } });
  const setup = await resolvers.call('setupRequestTypes', admin, { serviceDeskId: directory.serviceDeskId });

  const field = (key: string, name: string, required: boolean) => {
    const fieldId = setup.fields[key];
    return fieldId === undefined ? [] : [{ fieldId, name, required }];
  };
  // The app's text fields serve REST clients; on the portal its create form (jit-portal-form) asks instead,
  // so none of them is required here: intake refuses a request that answers neither way.
  const form = [
    { fieldId: 'summary', name: 'Summary', required: true },
    ...field('target', 'Database', false),
    ...field('accessLevel', 'Access level', false),
    ...field('duration', 'Duration (ISO-8601, e.g. PT1H)', false),
    ...field('justification', 'Justification', false),
    ...field('change', 'Change request', false),
  ];
  const { access, breakGlass } = setup.requestTypes;
  if (!access || !breakGlass) throw new Error(`the request types were not created: ${setup.nextSteps.join(' ')}`);
  for (const typeId of [access, breakGlass]) {
    jsm.admin.setRequestTypeFields(typeId, form);
    // Created by API, a request type is on no portal group (hidden from customers) until the admin adds it.
    jsm.admin.setRequestTypeGroups(typeId, [PORTAL_GROUP]);
  }
  return { requestTypes: { access, breakGlass }, fields: setup.fields };
}
