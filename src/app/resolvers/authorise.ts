import type { Settings } from '../../core';
import { AppError } from '../app-error';
import { jira } from '../jira/jira-client';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';

/** `customer`: anyone signed in to the site's portal (what the request form may show every customer). */
export type Role = 'admin' | 'agent' | 'requester' | 'approver' | 'customer';

export interface Caller {
  accountId: string;
  roles: ReadonlySet<Role>;
  /** The grant's approver groups (ids) the caller is a member of. */
  approverGroups: ReadonlySet<string>;
}

/**
 * The approver groups of a grant: the one its approval or pending extension waits on, and the one its
 * rule sends approvals to.
 */
export function approverGroupsOf(grant: StoredGrant, settings: Settings): Set<string> {
  const ids = new Set<string>();
  if (grant.record.approval) ids.add(grant.record.approval.group);
  if (grant.meta.pendingExtension) ids.add(grant.meta.pendingExtension.group);
  const rule = settings.policies.find((candidate) => candidate.id === grant.record.rule?.id);
  if (rule?.then.type === 'approval') ids.add(rule.then.group);
  return ids;
}

/**
 * Which of the wanted roles the caller holds, checked through Jira (group membership, the ticket's
 * approval) and the grant (requester), never taken from the browser. An approver is a member of one of
 * the grant's approver groups or is assigned on the ticket's approval. Throws `forbidden` when the caller
 * holds none of the wanted roles.
 */
export async function authorise(accountId: string, wanted: readonly Role[], context: { settings: Settings; config: AppConfig; grant?: StoredGrant }): Promise<Caller> {
  const roles = new Set<Role>();
  const approverGroups = new Set<string>();
  const { grant, settings, config } = context;
  if (wanted.includes('customer')) roles.add('customer');
  if (wanted.includes('requester') && grant && grant.record.requester.accountId === accountId) roles.add('requester');
  const needsGroups = wanted.some((role) => role === 'admin' || role === 'agent' || (role === 'approver' && grant !== undefined));
  if (needsGroups) {
    const groups = new Set(await jira.userGroups(accountId));
    if (wanted.includes('admin') && config.adminGroups.some((group) => groups.has(group))) roles.add('admin');
    if (wanted.includes('agent') && config.agentGroups.some((group) => groups.has(group))) roles.add('agent');
    if (wanted.includes('approver') && grant) {
      const ids = approverGroupsOf(grant, settings);
      for (const group of settings.approverGroups) if (ids.has(group.id) && groups.has(group.jiraGroup)) approverGroups.add(group.id);
      if (approverGroups.size > 0 || (grant.record.approval && (await assignedOnApproval(grant.ticket, accountId)))) roles.add('approver');
    }
  }
  if (roles.size === 0) throw new AppError('forbidden', `This action needs one of these roles: ${wanted.join(', ')}.`);
  return { accountId, roles, approverGroups };
}

async function assignedOnApproval(ticket: string, accountId: string): Promise<boolean> {
  const { values } = await jira.getApprovals(ticket);
  return values.some((approval) => approval.approvers.some((entry) => entry.approver.accountId === accountId));
}
