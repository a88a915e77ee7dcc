import type { Settings } from '../../core';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps } from './apply-steps';
import { checkApproval } from './check-approval';
import { revokeAccess } from './revoke-access';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Brings the grant in line with the ticket's current status (level-triggered, so duplicate and reordered
 * events converge): approved or declined by JSM's approval step, or resolved, cancelled or moved to the
 * revoked status, which ends access at once.
 */
export async function followStatus(stored: StoredGrant, status: string, settings: Settings, actor: string): Promise<void> {
  const statuses = settings.statuses;
  const endsAccess = statuses.endAccess.some((name) => same(name, status)) || same(statuses.revoked, status);
  switch (stored.record.state) {
    case 'awaiting-approval':
      if (same(status, statuses.approved)) await checkApproval(stored, settings);
      else if (same(status, statuses.declined)) await applySteps(stored, settings, [{ event: 'approval-declined', actor }]);
      else if (endsAccess) await applySteps(stored, settings, [{ event: 'revoked', actor, note: `the request was moved to ${status} before approval` }]);
      return;
    case 'approved':
    case 'scheduled':
    case 'granting':
    case 'active':
      if (endsAccess) await revokeAccess(stored, settings, actor, `the ticket was moved to ${status}`);
      return;
    default:
      return;
  }
}
