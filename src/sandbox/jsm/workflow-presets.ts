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
 * An access-request workflow with a JSM approval step: approvers come from `approverGroup`;
 * one approval moves the request to Approved, a decline to Declined.
 */
export function accessRequestWorkflow(approverGroup: string): WorkflowConfig {
  return {
    name: 'Access request workflow',
    statuses: [
      { name: 'Waiting for approval', category: 'new' },
      { name: 'Approved', category: 'indeterminate' },
      { name: 'Access granted', category: 'indeterminate' },
      { name: 'Declined', category: 'done' },
      { name: 'Revoked', category: 'done' },
      { name: 'Resolved', category: 'done' },
      { name: 'Canceled', category: 'done' },
    ],
    initialStatus: 'Waiting for approval',
    transitions: [
      { name: 'Approve', from: ['Waiting for approval'], to: 'Approved' },
      { name: 'Decline', from: ['Waiting for approval'], to: 'Declined', resolution: 'Declined' },
      { name: 'Mark access granted', from: ['Approved'], to: 'Access granted' },
      { name: 'Revoke access', from: ['Approved', 'Access granted'], to: 'Revoked' },
      { name: 'Resolve', from: ['Approved', 'Access granted'], to: 'Resolved' },
      { name: 'Cancel request', from: ['Waiting for approval', 'Approved'], to: 'Canceled', resolution: "Won't Do", allowed: 'agents-and-reporter' },
    ],
    approvals: [
      {
        status: 'Waiting for approval',
        name: 'Access approval',
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
