import { ApiError } from './errors';
import type { IssueOps } from './issue-ops';
import type { Approval, Issue, State } from './state';

export type Decision = 'approve' | 'decline';

/** JSM lets an approver answer once, while the approval is still open. */
export function canAnswer(approval: Approval, accountId: string): boolean {
  return approval.finalDecision === 'pending' && approval.approvers.some((a) => a.accountId === accountId && a.decision === 'pending');
}

/**
 * Records one approver's answer. Enough approvals run the step's approve transition; a single
 * decline runs its decline transition (JSM's "approve/decline" outcome on the approval status).
 */
export function answerApproval(state: State, ops: IssueOps, issue: Issue, approval: Approval, accountId: string, decision: Decision): void {
  const approver = approval.approvers.find((a) => a.accountId === accountId);
  if (!approver || !canAnswer(approval, accountId)) {
    throw new ApiError(403, 'You are not allowed to answer this approval.', {}, 'sd.approval.error.not.approver');
  }
  approver.decision = decision === 'approve' ? 'approved' : 'declined';
  const approvedCount = approval.approvers.filter((a) => a.decision === 'approved').length;
  const needed = Math.min(approval.required, approval.approvers.length);
  const outcome = decision === 'decline' ? 'declined' : approvedCount >= needed ? 'approved' : null;
  if (!outcome) return;
  approval.finalDecision = outcome;
  approval.completed = state.now();
  const step = state.workflowFor(issue).approvals.find((a) => a.statusId === approval.statusId);
  const transitionId = outcome === 'approved' ? step?.approveTransitionId : step?.declineTransitionId;
  const transition = state.workflowFor(issue).transitions.find((t) => t.id === transitionId);
  if (transition) ops.transition(issue, transition, accountId);
}
