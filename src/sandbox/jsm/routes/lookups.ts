import { ApiError, ISSUE_NOT_FOUND, notFound } from '../errors';
import { canSeeIssue } from '../permissions';
import type { RouteContext } from '../router';
import type { Issue } from '../state';

/** The issue named in the path, or the same 404 Jira gives for "missing" and "not yours". */
export function visibleIssue(ctx: RouteContext, idOrKey = ctx.params.issueIdOrKey ?? ''): Issue {
  const issue = ctx.state.findIssue(idOrKey);
  if (!issue || !canSeeIssue(ctx.actor, issue)) throw notFound(ISSUE_NOT_FOUND);
  return issue;
}

/** JSM's wording for a request the caller cannot see. */
export function visibleRequest(ctx: RouteContext): Issue {
  const issue = ctx.state.findIssue(ctx.params.issueIdOrKey ?? '');
  if (!issue || !issue.request || !canSeeIssue(ctx.actor, issue)) {
    throw new ApiError(404, 'The request either does not exist or you do not have permission to view it.', {}, 'sd.request.error.not.found');
  }
  return issue;
}

export function intParam(ctx: RouteContext, name: string, fallback: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ApiError(400, `The '${name}' parameter must be a non-negative integer.`);
  return value;
}
