import { z } from 'zod';
import { badRequest, forbidden } from '../errors';
import { isStaff } from '../permissions';
import { json, noContent, parseBody, type Route, type RouteContext } from '../router';
import type { Project } from '../state';
import { issueBean, issueSelf, listParam } from '../views/issue-view';
import { checkFieldWrites } from './issue-fields';
import { visibleIssue } from './lookups';

const ref = z.looseObject({ id: z.string().optional(), key: z.string().optional(), name: z.string().optional() });
const entityProperty = z.strictObject({ key: z.string().min(1).max(255), value: z.unknown() });
const createBody = z.looseObject({
  fields: z.looseObject({ project: ref, issuetype: ref }),
  properties: z.array(entityProperty).optional(),
  update: z.record(z.string(), z.unknown()).optional(),
});
const editBody = z.looseObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  properties: z.array(entityProperty).optional(),
  update: z.record(z.string(), z.unknown()).optional(),
});

function resolveIssueType(ctx: RouteContext, project: Project, wanted: z.infer<typeof ref>): string {
  const id = project.issueTypeIds.find((typeId) => {
    const type = ctx.state.issueTypes.get(typeId);
    return type && (type.id === wanted.id || type.name === wanted.name);
  });
  if (!id) throw badRequest('', { issuetype: 'Specify an issue type' });
  return id;
}

function rejectUpdateOperations(update: Record<string, unknown> | undefined): void {
  // Field operations (`update: {labels: [{add}]}`) are outside the emulated subset; refuse them loudly.
  if (update && Object.keys(update).length > 0) throw badRequest('The emulator supports `fields`, not `update` operations.');
}

export const issueRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const fields = listParam(ctx.query, 'fields');
      return json(
        issueBean(ctx.state, ctx.actor, issue, {
          fields: fields.length > 0 ? fields : ['*all'],
          properties: listParam(ctx.query, 'properties'),
          expandChangelog: listParam(ctx.query, 'expand').includes('changelog'),
        }),
      );
    },
  },
  {
    method: 'POST',
    path: '/rest/api/3/issue',
    flavour: 'jira',
    handler: async (ctx) => {
      const body = parseBody(createBody, await ctx.json());
      rejectUpdateOperations(body.update);
      const { project: projectRef, issuetype, ...rest } = body.fields;
      const project = ctx.state.findProject(projectRef.key ?? projectRef.id ?? '');
      if (!project) throw badRequest('', { project: 'Specify a valid project ID or key' });
      if (!isStaff(ctx.actor)) throw forbidden('You do not have permission to create issues in this project.');
      const issueTypeId = resolveIssueType(ctx, project, issuetype);
      const writes = checkFieldWrites(ctx.state, rest, true);
      const issue = ctx.ops.create(
        {
          projectKey: project.key,
          issueTypeId,
          values: writes.values,
          reporterId: writes.reporterId ?? ctx.actor.accountId,
          assigneeId: writes.assigneeId ?? null,
          participants: [],
          request: null,
        },
        ctx.actor.accountId,
      );
      for (const property of body.properties ?? []) issue.properties.set(property.key, property.value);
      return json({ id: issue.id, key: issue.key, self: issueSelf(ctx.state, issue) }, 201);
    },
  },
  {
    method: 'PUT',
    path: '/rest/api/3/issue/{issueIdOrKey}',
    flavour: 'jira',
    handler: async (ctx) => {
      const issue = visibleIssue(ctx);
      const body = parseBody(editBody, await ctx.json());
      if (!isStaff(ctx.actor)) throw forbidden('You do not have permission to edit issues in this project.');
      rejectUpdateOperations(body.update);
      const writes = checkFieldWrites(ctx.state, body.fields ?? {}, false);
      ctx.ops.updateFields(issue, writes.values, ctx.actor.accountId);
      if (writes.assigneeId !== undefined) ctx.ops.setAssignee(issue, writes.assigneeId, ctx.actor.accountId);
      for (const property of body.properties ?? []) issue.properties.set(property.key, property.value);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/rest/api/3/issue/{issueIdOrKey}',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      if (!isStaff(ctx.actor)) throw forbidden('You do not have permission to delete issues in this project.');
      ctx.ops.delete(issue, ctx.actor.accountId);
      return noContent();
    },
  },
];
