import type { WorkflowConfig } from '../jsm';
import { APPROVER_GROUP } from './demo-directory';

/**
 * The DBA service desk's workflow, with the status and transition names of the app's default settings
 * (src/core/default-settings.ts), so the app finds every name it is configured with; the app's own tests run
 * on the same workflow (test/app/support/app-site.ts). A request starts in
 * the JSM approval step; the app approves automatically where policy allows, or waits for the approvers.
 */
export const dbaWorkflow: WorkflowConfig = {
  name: 'Database access workflow',
  statuses: [
    { name: 'Waiting for approval', category: 'new' },
    { name: 'Approved', category: 'indeterminate' },
    { name: 'Access granted', category: 'indeterminate' },
    { name: 'Access expired', category: 'done' },
    { name: 'Access revoked', category: 'done' },
    { name: 'Access failed', category: 'done' },
    { name: 'Denied', category: 'done' },
    { name: 'Declined', category: 'done' },
    { name: 'Resolved', category: 'done' },
    { name: 'Canceled', category: 'done' },
  ],
  initialStatus: 'Waiting for approval',
  transitions: [
    { name: 'Approve', from: ['Waiting for approval'], to: 'Approved' },
    { name: 'Decline', from: ['Waiting for approval'], to: 'Declined', resolution: 'Declined' },
    { name: 'Deny', from: ['Waiting for approval'], to: 'Denied', resolution: 'Declined' },
    // The app sends a ticket back when an approval turns out not to count (docs/admin-guide.md, section 4).
    { name: 'Back to approval', from: ['Approved'], to: 'Waiting for approval' },
    { name: 'Access granted', from: ['Approved'], to: 'Access granted' },
    { name: 'Access expired', from: ['Approved', 'Access granted'], to: 'Access expired' },
    // A request can be revoked, or fail, before it was ever granted.
    { name: 'Revoke access', from: ['Waiting for approval', 'Approved', 'Access granted'], to: 'Access revoked' },
    { name: 'Access failed', from: ['Waiting for approval', 'Approved', 'Access granted'], to: 'Access failed' },
    // The requester may end their own access early by resolving, or withdraw a request.
    { name: 'Resolve', from: ['Approved', 'Access granted'], to: 'Resolved', allowed: 'agents-and-reporter' },
    { name: 'Cancel request', from: ['Waiting for approval', 'Approved'], to: 'Canceled', resolution: "Won't Do", allowed: 'agents-and-reporter' },
    // An admin's retry of a failed grant: back to the status of a grant in progress, which the app moves on from.
    { name: 'Retry access', from: ['Access failed'], to: 'Approved' },
  ],
  approvals: [
    {
      status: 'Waiting for approval',
      name: 'DBA lead approval',
      approvers: { group: APPROVER_GROUP },
      required: 1,
      approveTransition: 'Approve',
      declineTransition: 'Decline',
    },
  ],
};
