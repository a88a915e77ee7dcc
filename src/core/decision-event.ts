import type { AccessRequest } from './access-request';
import type { Decision } from './decide';
import type { LifecycleEvent } from './lifecycle';

/** The lifecycle event a policy decision leads to; an auto-approved break-glass request goes straight to active. */
export function decisionEvent(decision: Decision, request: Pick<AccessRequest, 'breakGlass'>): LifecycleEvent {
  switch (decision.outcome.type) {
    case 'auto-approve':
      return request.breakGlass ? 'break-glass' : 'policy-approved';
    case 'approval':
      return 'policy-needs-approval';
    case 'deny':
      return 'policy-denied';
  }
}
