import { grantIdOf, type GrantEffect, type Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { decideAndApply } from './apply-next';

/**
 * An extension `nextStep` approved: the connector moves the end of access first, so the ticket never
 * promises more time than the database gives; then `access-extended` records it. Undefined when the grant
 * was moved on meanwhile (ended, or changed by another writer).
 */
export async function extendAccess(stored: StoredGrant, extension: Extract<GrantEffect, { kind: 'extend-access' }>, settings: Settings, config: AppConfig): Promise<StoredGrant | undefined> {
  const client = await connectorClient(settings.connectorUrl);
  await client.extendGrant(grantIdOf(stored.record), extension.notAfter);
  return decideAndApply(stored, { ...extension, kind: 'access-extended' }, settings, config);
}
