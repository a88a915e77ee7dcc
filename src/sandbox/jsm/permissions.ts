import { ApiError, forbidden } from './errors';
import type { Comment, Issue, State, User } from './state';
import type { JsmIdentity } from './types';

export type Roles = { agentsGroup: string; adminsGroup: string; appAccountId: string };

/** The caller with what JSM lets it do: the app acts with its manifest scopes; a user by group membership. */
export type Actor =
  | { kind: 'app'; accountId: string }
  | { kind: 'user'; accountId: string; user: User; agent: boolean; admin: boolean };

export function resolveActor(state: State, roles: Roles, identity: JsmIdentity): Actor {
  if (identity.kind === 'app') return { kind: 'app', accountId: roles.appAccountId };
  if (identity.kind === 'anonymous') throw new ApiError(401, 'You are not authenticated. Authentication required to perform this operation.');
  const user = state.users.get(identity.accountId);
  if (!user || !user.active) throw new ApiError(401, 'You are not authenticated. Authentication required to perform this operation.');
  const admin = state.isInGroup(user.accountId, roles.adminsGroup);
  const agent = admin || state.isInGroup(user.accountId, roles.agentsGroup);
  return { kind: 'user', accountId: user.accountId, user, agent, admin };
}

/** App and agents work the queue; everyone else is a customer of the service desk. */
export const isStaff = (actor: Actor): boolean => actor.kind === 'app' || actor.agent;

export function isApproverOf(issue: Issue, accountId: string): boolean {
  return issue.approvals.some((approval) => approval.approvers.some((a) => a.accountId === accountId));
}

/** A customer sees only requests they raised, take part in, or are asked to approve. */
export function canSeeIssue(actor: Actor, issue: Issue): boolean {
  if (isStaff(actor)) return true;
  return issue.reporterId === actor.accountId || issue.participants.has(actor.accountId) || isApproverOf(issue, actor.accountId);
}

export function canSeeComment(actor: Actor, comment: Comment): boolean {
  return isStaff(actor) || comment.public;
}

export function requireStaff(actor: Actor, message: string): void {
  if (!isStaff(actor)) throw forbidden(message);
}

export function requireAdmin(actor: Actor, message: string): void {
  if (actor.kind === 'user' && !actor.admin) throw forbidden(message);
}
