import type { WorkflowConfig } from './workflow';

/** To Do / In Progress / Done, every move allowed: the default for issue types without their own workflow. */
export const simpleWorkflow: WorkflowConfig = {
  name: 'Simple workflow',
  statuses: [
    { name: 'To Do', category: 'new' },
    { name: 'In Progress', category: 'indeterminate' },
    { name: 'Done', category: 'done' },
  ],
  initialStatus: 'To Do',
  transitions: [
    { name: 'To Do', from: '*', to: 'To Do' },
    { name: 'Start progress', from: '*', to: 'In Progress' },
    { name: 'Done', from: '*', to: 'Done' },
  ],
};

/**
 * The just-in-time access workflow, with the status and transition names of the app's default settings
 * (src/core/default-settings.ts), so the app finds every name it is configured with. A request starts in
 * the JSM approval step answered by `approverGroup`. The step owns "Approve" and "Decline" (only an
 * approver's answer runs them); where policy allows, the app approves through its own "Approved by policy".
 */
export function accessRequestWorkflow(approverGroup: string, approvalName = 'Access approval'): WorkflowConfig {
  return {
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
      { name: 'Approved by policy', from: ['Waiting for approval'], to: 'Approved' },
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
        name: approvalName,
        approvers: { group: approverGroup },
        required: 1,
        approveTransition: 'Approve',
        declineTransition: 'Decline',
      },
    ],
  };
}

/** A change request workflow, enough to check a linked change's status. */
export const changeWorkflow: WorkflowConfig = {
  name: 'Change workflow',
  statuses: [
    { name: 'Planning', category: 'new' },
    { name: 'Awaiting implementation', category: 'indeterminate' },
    { name: 'Implementing', category: 'indeterminate' },
    { name: 'Completed', category: 'done' },
    { name: 'Canceled', category: 'done' },
  ],
  initialStatus: 'Planning',
  transitions: [
    { name: 'Ready for implementation', from: ['Planning'], to: 'Awaiting implementation' },
    { name: 'Implement', from: ['Awaiting implementation'], to: 'Implementing' },
    { name: 'Complete', from: ['Implementing'], to: 'Completed' },
    { name: 'Cancel', from: '*', to: 'Canceled', resolution: "Won't Do" },
  ],
};
