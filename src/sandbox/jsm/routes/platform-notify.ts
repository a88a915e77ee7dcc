import { z } from 'zod';
import { badRequest } from '../errors';
import { canSeeIssue, resolveActor } from '../permissions';
import { parseBody, type Route } from '../router';
import { visibleIssue } from './lookups';

// The Notification schema of the platform OpenAPI (`notify`): recipients by flag, account and group.
const notificationBody = z.looseObject({
  subject: z.string().optional(),
  textBody: z.string().optional(),
  htmlBody: z.string().optional(),
  to: z
    .looseObject({
      reporter: z.boolean().optional(),
      assignee: z.boolean().optional(),
      watchers: z.boolean().optional(),
      voters: z.boolean().optional(),
      users: z.array(z.looseObject({ accountId: z.string() })).optional(),
      groups: z.array(z.looseObject({ name: z.string().optional(), groupId: z.string().optional() })).optional(),
      groupIds: z.array(z.string()).optional(),
    })
    .optional(),
});

/**
 * `POST /rest/api/3/issue/{issueIdOrKey}/notify`: puts an email on the mail queue (204). A recipient that
 * does not exist (an unknown account or group, the assignee of an unassigned issue) is a 400; accounts
 * that may not see the issue are left out, as Jira's notification scheme does.
 */
export const notifyRoutes: Route[] = [
  {
    method: 'POST',
    path: '/rest/api/3/issue/{issueIdOrKey}/notify',
    flavour: 'jira',
    handler: async (ctx) => {
      const issue = visibleIssue(ctx);
      const body = parseBody(notificationBody, await ctx.json());
      const to = body.to ?? {};
      const recipients = new Set<string>();
      if (to.reporter && issue.reporterId) recipients.add(issue.reporterId);
      if (to.assignee) {
        if (!issue.assigneeId) throw badRequest('The issue has no assignee to notify.');
        recipients.add(issue.assigneeId);
      }
      for (const { accountId } of to.users ?? []) {
        if (!ctx.state.users.has(accountId)) throw badRequest(`The user ${accountId} does not exist.`);
        recipients.add(accountId);
      }
      const groups = [...(to.groups ?? []).map((group) => group.name ?? group.groupId ?? ''), ...(to.groupIds ?? [])];
      for (const ref of groups) {
        const group = [...ctx.state.groups.values()].find((candidate) => candidate.name === ref || candidate.groupId === ref);
        if (!group) throw badRequest(`The group ${ref} does not exist.`);
        for (const member of group.members) recipients.add(member);
      }
      if (recipients.size === 0) throw badRequest('No recipients were defined for notification.');
      const reached = [...recipients].filter((accountId) => {
        const user = ctx.state.users.get(accountId);
        return user?.active === true && canSeeIssue(resolveActor(ctx.state, ctx.roles, { kind: 'user', accountId }), issue);
      });
      ctx.state.notifications.push({ issueKey: issue.key, subject: body.subject ?? issue.key, textBody: body.textBody ?? '', recipients: reached, at: ctx.state.now() });
      return new Response(null, { status: 204 });
    },
  },
];
