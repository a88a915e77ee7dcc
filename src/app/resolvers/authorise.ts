import type { Settings } from '../../core';
import { AppError } from '../app-error';
import { jira } from '../jira/jira-client';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';

export type Role = 'admin' | 'agent' | 'requester' | 'approver';

export interface Caller {
  accountId: string;
  roles: ReadonlySet<Role>;
}

/**
 * Which of the wanted roles the caller holds, checked through Jira (group membership) and the grant
 * (requester), never taken from the browser. Throws `forbidden` when the caller holds none of them.
 */
export async function authorise(accountId: string, wanted: readonly Role[], context: { settings: Settings; config: AppConfig; grant?: StoredGrant }): Promise<Caller> {
  const roles = new Set<Role>();
  const { grant, settings, config } = context;
  if (wanted.includes('requester') && grant && grant.record.requester.accountId === accountId) roles.add('requester');
  const needsGroups = wanted.some((role) => role === 'admin' || role === 'agent' || role === 'approver');
  if (needsGroups) {
    const groups = new Set(await jira.userGroups(accountId));
    if (wanted.includes('admin') && config.adminGroups.some((group) => groups.has(group))) roles.add('admin');
    if (wanted.includes('agent') && config.agentGroups.some((group) => groups.has(group))) roles.add('agent');
    if (wanted.includes('approver')) {
      const groupId = grant?.record.approval?.group ?? grant?.meta.pendingExtension?.group;
      const approverGroups = settings.approverGroups.filter((group) => groupId === undefined || group.id === groupId);
      if (approverGroups.some((group) => groups.has(group.jiraGroup))) roles.add('approver');
    }
  }
  if (roles.size === 0) throw new AppError('forbidden', `This action needs one of these roles: ${wanted.join(', ')}.`);
  return { accountId, roles };
}
