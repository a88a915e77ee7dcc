import { grantIdOf, nextStep, type GrantEffect, type Settings } from '../../core';
import { connectorClient } from '../connector/connector-access';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applyNext, factsOf, stepSettings } from './apply-next';

/**
 * An extension `nextStep` approved: the connector moves the end of access first, so the ticket never
 * promises more time than the database gives; then `access-extended` records it. Undefined when another
 * writer moved the grant on meanwhile.
 */
export async function extendAccess(stored: StoredGrant, extension: Extract<GrantEffect, { kind: 'extend-access' }>, settings: Settings, config: AppConfig): Promise<StoredGrant | undefined> {
  const client = await connectorClient(settings.connectorUrl);
  await client.extendGrant(grantIdOf(stored.record), extension.notAfter);
  const next = nextStep(factsOf(stored), { ...extension, kind: 'access-extended' }, stepSettings(settings, config), new Date());
  if (next.refused !== undefined) return undefined;
  return (await applyNext(stored, next, settings, config)).stored;
}
