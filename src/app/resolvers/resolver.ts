import Resolver from '@forge/resolver';
import { getActivity } from './activity-resolver';
import { getSchema } from './get-schema';
import { findChanges, requestForm } from './portal-form-resolvers';
import { requestExtension } from './request-extension';
import { runQuery } from './run-query';
import { getSettings, saveSettingsResolver, setConnector, simulatePolicy, testConnection } from './settings-resolvers';
import { auditGrants, listServiceDesks, setupChecklist, setupRequestTypes } from './setup-resolvers';
import { cancelRequest, getGrant, retryGrant, revealCredential, revokeNow } from './ticket-resolvers';

/** The resolver function shared by the admin page, the issue panel and the portal request view. */
export const resolverHandler = new Resolver()
  .define('getSettings', getSettings)
  .define('saveSettings', saveSettingsResolver)
  .define('setConnector', setConnector)
  .define('testConnection', testConnection)
  .define('simulatePolicy', simulatePolicy)
  .define('listServiceDesks', listServiceDesks)
  .define('setupRequestTypes', setupRequestTypes)
  .define('setupChecklist', setupChecklist)
  .define('auditGrants', auditGrants)
  .define('getGrant', getGrant)
  .define('getActivity', getActivity)
  .define('revealCredential', revealCredential)
  .define('runQuery', runQuery)
  .define('getSchema', getSchema)
  .define('revokeNow', revokeNow)
  .define('cancelRequest', cancelRequest)
  .define('requestExtension', requestExtension)
  .define('retryGrant', retryGrant)
  .define('requestForm', requestForm)
  .define('findChanges', findChanges)
  .getDefinitions();
