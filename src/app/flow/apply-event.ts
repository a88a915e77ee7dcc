import { nextStep, type ExtensionReply, type GrantEvent, type Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applyNext, factsOf, stepSettings } from './apply-next';
import { checkApproval } from './check-approval';
import { extendAccess } from './extend-access';
import { revokeAccess } from './revoke-access';

export interface EventResult {
  /** Why `nextStep` refused the event; nothing was stored. */
  refused?: string;
  /** Why the person may not do this; only its note was written. */
  forbidden?: string;
  /** What the person who asked for or answered an extension is told. */
  reply?: ExtensionReply;
  /** The grant as stored afterwards; undefined when another writer moved it on first. */
  stored: StoredGrant | undefined;
}

/**
 * A person's event (a status change, the panel's revoke, cancel, retry or reveal, an extension asked for
 * or answered), decided by `nextStep` and applied; the revocation, the extension at the connector or the
 * approval count it asks for is made here, before returning.
 */
export async function applyEvent(stored: StoredGrant, event: GrantEvent, settings: Settings, config: AppConfig): Promise<EventResult> {
  const next = nextStep(factsOf(stored), event, stepSettings(settings, config), new Date());
  if (next.refused !== undefined) return { refused: next.refused, stored };
  const applied = await applyNext(stored, next, settings, config);
  const told = { ...(next.forbidden !== undefined ? { forbidden: next.forbidden } : {}), ...(next.reply ? { reply: next.reply } : {}) };
  let current = applied.stored;
  for (const call of applied.connector) {
    if (!current) break;
    if (call.kind === 'revoke-access') current = await revokeAccess(current, settings, config, call.by, call.reason, { event: call.event, moves: call.moves ?? [] });
    else if (call.kind === 'check-approval') current = await checkApproval(current, settings, config);
    else if (call.kind === 'extend-access') current = await extendAccess(current, call, settings, config);
  }
  return { ...told, stored: current };
}
