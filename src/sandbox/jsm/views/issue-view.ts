import { renderFieldValue } from '../field-values';
import { canSeeComment, canSeeIssue, type Actor } from '../permissions';
import type { Changelog, Comment, Issue, State, Status } from '../state';
import { attachmentView } from './attachment-view';
import { requireUser, userDetails } from './user-view';

const CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

export function statusCategoryView(state: State, status: Status) {
  const category = CATEGORY[status.category];
  return { self: `${state.baseUrl}/rest/api/3/statuscategory/${category.id}`, ...category };
}

export function statusView(state: State, status: Status) {
  return {
    self: `${state.baseUrl}/rest/api/3/status/${status.id}`,
    description: status.description,
    iconUrl: `${state.baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: statusCategoryView(state, status),
  };
}

export function issueTypeView(state: State, issueTypeId: string) {
  const type = state.issueTypes.get(issueTypeId);
  if (!type) throw new Error(`issue type ${issueTypeId} vanished`);
  return {
    self: `${state.baseUrl}/rest/api/3/issuetype/${type.id}`,
    id: type.id,
    description: type.description,
    iconUrl: `${state.baseUrl}/images/icons/issuetypes/task.svg`,
    name: type.name,
    subtask: type.subtask,
    hierarchyLevel: type.hierarchyLevel,
  };
}

export function projectRef(state: State, projectKey: string) {
  const project = state.projects.get(projectKey);
  if (!project) throw new Error(`project ${projectKey} vanished`);
  return { self: `${state.baseUrl}/rest/api/3/project/${project.id}`, id: project.id, key: project.key, name: project.name, projectTypeKey: project.projectTypeKey, simplified: project.style === 'next-gen' };
}

export function issueStatus(state: State, issue: Issue): Status {
  const status = state.statuses.get(issue.statusId);
  if (!status) throw new Error(`status ${issue.statusId} vanished`);
  return status;
}

export const issueSelf = (state: State, issue: Issue) => `${state.baseUrl}/rest/api/3/issue/${issue.id}`;

export function commentView(state: State, issue: Issue, comment: Comment) {
  const author = userDetails(state, requireUser(state, comment.authorId));
  return {
    self: `${issueSelf(state, issue)}/comment/${comment.id}`,
    id: comment.id,
    author,
    body: comment.body,
    updateAuthor: author,
    created: comment.created.toISOString(),
    updated: comment.updated.toISOString(),
    jsdPublic: comment.public,
  };
}

/** Jira's `ChangeDetails` leaves out empty sides rather than sending null. */
export function changelogView(state: State, entry: Changelog) {
  return {
    id: entry.id,
    author: userDetails(state, requireUser(state, entry.authorId)),
    created: entry.created.toISOString(),
    items: entry.items.map((item) =>
      Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null)),
    ),
  };
}

function linkViews(state: State, actor: Actor, issue: Issue) {
  return state.links.flatMap((link) => {
    const type = state.linkTypes.get(link.typeId);
    const outward = link.inwardIssueId === issue.id;
    const otherId = outward ? link.outwardIssueId : link.inwardIssueId;
    const other = state.issues.get(otherId);
    if (!type || (link.inwardIssueId !== issue.id && link.outwardIssueId !== issue.id) || !other || !canSeeIssue(actor, other)) return [];
    const ref = {
      id: other.id,
      key: other.key,
      self: issueSelf(state, other),
      fields: { summary: other.values.get('summary'), status: statusView(state, issueStatus(state, other)), issuetype: issueTypeView(state, other.issueTypeId) },
    };
    const typeView = { id: type.id, name: type.name, inward: type.inward, outward: type.outward, self: `${state.baseUrl}/rest/api/3/issueLinkType/${type.id}` };
    return [{ id: link.id, self: `${state.baseUrl}/rest/api/3/issueLink/${link.id}`, type: typeView, ...(outward ? { outwardIssue: ref } : { inwardIssue: ref }) }];
  });
}

/** Every field of the issue as the caller may see it, keyed by field id. */
export function allFields(state: State, actor: Actor, issue: Issue): Record<string, unknown> {
  const user = (accountId: string | null) => (accountId ? userDetails(state, requireUser(state, accountId)) : null);
  const resolution = issue.resolutionId ? state.resolutions.get(issue.resolutionId) : undefined;
  const comments = issue.comments.filter((c) => canSeeComment(actor, c)).map((c) => commentView(state, issue, c));
  const fields: Record<string, unknown> = {
    summary: issue.values.get('summary') ?? '',
    description: issue.values.get('description') ?? null,
    issuetype: issueTypeView(state, issue.issueTypeId),
    project: projectRef(state, issue.projectKey),
    status: statusView(state, issueStatus(state, issue)),
    resolution: resolution ? { self: `${state.baseUrl}/rest/api/3/resolution/${resolution.id}`, id: resolution.id, description: resolution.description, name: resolution.name } : null,
    resolutiondate: issue.resolved?.toISOString() ?? null,
    reporter: user(issue.reporterId),
    creator: user(issue.creatorId),
    assignee: user(issue.assigneeId),
    created: issue.created.toISOString(),
    updated: issue.updated.toISOString(),
    statuscategorychangedate: issue.statusChanged.toISOString(),
    labels: issue.values.get('labels') ?? [],
    duedate: issue.values.get('duedate') ?? null,
    issuelinks: linkViews(state, actor, issue),
    attachment: issue.attachments.map((attachment) => attachmentView(state, attachment)),
    comment: { comments, self: `${issueSelf(state, issue)}/comment`, maxResults: comments.length, total: comments.length, startAt: 0 },
  };
  for (const field of state.fields.values()) {
    if (field.custom) fields[field.id] = renderFieldValue(state, field, issue.values.get(field.id));
  }
  return fields;
}

const NAVIGABLE_EXCLUDED = new Set(['comment']);

/** Applies Jira's `fields` selection (`*all`, `*navigable`, ids, `-id` exclusions) to the full field map. */
export function selectFields(all: Record<string, unknown>, selection: string[]): Record<string, unknown> {
  const wanted = new Set<string>();
  const excluded = new Set<string>();
  for (const entry of selection) {
    if (entry === '*all') Object.keys(all).forEach((k) => wanted.add(k));
    else if (entry === '*navigable') Object.keys(all).filter((k) => !NAVIGABLE_EXCLUDED.has(k)).forEach((k) => wanted.add(k));
    else if (entry.startsWith('-')) excluded.add(entry.slice(1));
    else if (entry in all) wanted.add(entry);
  }
  return Object.fromEntries(Object.entries(all).filter(([key]) => wanted.has(key) && !excluded.has(key)));
}

export type IssueViewOptions = { fields: string[]; properties: string[]; expandChangelog: boolean };

/** Jira platform `IssueBean`. */
export function issueBean(state: State, actor: Actor, issue: Issue, options: IssueViewOptions) {
  const wantAllProps = options.properties.includes('*all');
  const properties = Object.fromEntries(
    [...issue.properties.entries()].filter(([key]) => wantAllProps || options.properties.includes(key)),
  );
  const fields = selectFields(allFields(state, actor, issue), options.fields);
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: issueSelf(state, issue),
    key: issue.key,
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(options.properties.length > 0 ? { properties } : {}),
    ...(options.expandChangelog
      ? { changelog: { startAt: 0, maxResults: issue.changelog.length, total: issue.changelog.length, histories: issue.changelog.map((c) => changelogView(state, c)) } }
      : {}),
  };
}

/** The issue as product events carry it (what the app sees without a REST call). */
export function eventIssue(state: State, issue: Issue) {
  const app: Actor = { kind: 'app', accountId: '' };
  return { id: issue.id, key: issue.key, fields: selectFields(allFields(state, app, issue), ['*navigable', '-issuelinks']) };
}

/** Splits a comma-separated query parameter (repeated parameters are joined). */
export function listParam(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}
