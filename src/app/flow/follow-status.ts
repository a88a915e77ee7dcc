import { statusAction, type Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps, oweTicketWrites } from './apply-steps';
import { checkApproval } from './check-approval';
import { revokeAccess } from './revoke-access';

/**
 * Brings the grant in line with the ticket's current status (level-triggered, so duplicate and reordered
 * events converge), as `statusAction` decides: count the approvals, record a decline or a cancellation,
 * end access at once, or put the ticket back where the grant really is and say why.
 */
export async function followStatus(stored: StoredGrant, status: string, settings: Settings, config: AppConfig, actor: string): Promise<void> {
  const action = statusAction(stored.record.state, status, settings.statuses);
  switch (action.kind) {
    case 'none':
      return;
    case 'check-approval':
      await checkApproval(stored, settings, config);
      return;
    case 'record':
      await applySteps(stored, settings, [{ event: action.event, actor, note: action.note }], config.contact ? { contact: config.contact } : {});
      return;
    case 'end-access':
      await revokeAccess(stored, settings, actor, action.note, { event: action.event });
      return;
    case 'put-back':
      await oweTicketWrites(stored, { moves: [{ toStatus: action.toStatus }], notes: [{ visibility: 'internal', lines: [`Moved back to ${action.toStatus}: ${action.note}.`] }] });
      return;
  }
}
