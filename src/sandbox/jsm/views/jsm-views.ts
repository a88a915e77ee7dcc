import { adfToText } from '../adf';
import { canAnswer } from '../approvals';
import { renderFieldValue } from '../field-values';
import type { Approval, Comment, Field, Issue, RequestType, RequestTypeField, ServiceDesk, State } from '../state';
import { issueStatus } from './issue-view';
import { dateDto } from './jsm-dates';
import { jsmUser, requireUser } from './user-view';

const api = (state: State, path: string) => `${state.baseUrl}/rest/servicedeskapi${path}`;

/** JSM `PagedDTO`. */
export function paged<T>(state: State, path: string, all: T[], start: number, limit: number) {
  const values = all.slice(start, start + limit);
  const isLastPage = start + values.length >= all.length;
  const self = `${api(state, path)}?start=${start}&limit=${limit}`;
  return {
    size: values.length,
    start,
    limit,
    isLastPage,
    values,
    _links: {
      base: state.baseUrl,
      context: '',
      self,
      ...(isLastPage ? {} : { next: `${api(state, path)}?start=${start + limit}&limit=${limit}` }),
      ...(start > 0 ? { prev: `${api(state, path)}?start=${Math.max(0, start - limit)}&limit=${limit}` } : {}),
    },
  };
}

export function serviceDeskView(state: State, desk: ServiceDesk) {
  const project = state.projects.get(desk.projectKey);
  if (!project) throw new Error(`project ${desk.projectKey} vanished`);
  return { id: desk.id, projectId: project.id, projectName: project.name, projectKey: project.key, _links: { self: api(state, `/servicedesk/${desk.id}`) } };
}

export function requestTypeView(state: State, type: RequestType) {
  return {
    id: type.id,
    _links: { self: api(state, `/servicedesk/${type.serviceDeskId}/requesttype/${type.id}`) },
    name: type.name,
    description: type.description,
    helpText: type.helpText,
    issueTypeId: type.issueTypeId,
    serviceDeskId: type.serviceDeskId,
    portalId: type.serviceDeskId,
    groupIds: type.groupIds,
  };
}

function jiraSchema(field: Field) {
  const { type, items, system, custom, customId } = field.schema;
  return { type, ...(items ? { items } : {}), ...(system ? { system } : {}), ...(custom ? { custom } : {}), ...(customId !== undefined ? { customId } : {}) };
}

export function requestTypeFieldView(state: State, entry: RequestTypeField) {
  const field = state.fields.get(entry.fieldId);
  if (!field) throw new Error(`field ${entry.fieldId} vanished`);
  return {
    fieldId: field.id,
    name: entry.name,
    description: entry.description,
    required: entry.required,
    defaultValues: [],
    // JSM offers a select's options with the option id as `value`, the text as `label`.
    validValues: field.options.map((o) => ({ value: o.id, label: o.value, children: [] })),
    jiraSchema: jiraSchema(field),
    visible: true,
  };
}

const CATEGORY = { new: 'NEW', indeterminate: 'INDETERMINATE', done: 'DONE' } as const;

function requestFieldValue(state: State, field: Field, stored: unknown): unknown {
  if (field.id === 'description' || field.schema.custom?.endsWith(':textarea')) return adfToText(stored);
  if (field.schema.type === 'user') return typeof stored === 'string' && state.users.has(stored) ? jsmUser(state, requireUser(state, stored)) : null;
  if (field.schema.type === 'array' && field.schema.items === 'user' && Array.isArray(stored)) {
    return stored.filter((id): id is string => typeof id === 'string' && state.users.has(id)).map((id) => jsmUser(state, requireUser(state, id)));
  }
  return renderFieldValue(state, field, stored);
}

/** JSM `CustomerRequestDTO`. */
export function customerRequestView(state: State, issue: Issue) {
  if (!issue.request) throw new Error(`${issue.key} is not a customer request`);
  const type = state.requestTypes.get(issue.request.requestTypeId);
  const status = issueStatus(state, issue);
  const requestFieldValues = (type?.fields ?? []).flatMap((entry) => {
    const field = state.fields.get(entry.fieldId);
    if (!field || !issue.values.has(field.id)) return [];
    return [{ fieldId: field.id, label: entry.name, value: requestFieldValue(state, field, issue.values.get(field.id)) }];
  });
  return {
    _expands: ['participant', 'status', 'sla', 'requestType', 'serviceDesk', 'attachment', 'action', 'comment'],
    issueId: issue.id,
    issueKey: issue.key,
    requestTypeId: issue.request.requestTypeId,
    serviceDeskId: issue.request.serviceDeskId,
    createdDate: dateDto(issue.created),
    reporter: jsmUser(state, requireUser(state, issue.reporterId)),
    requestFieldValues,
    currentStatus: { status: status.name, statusCategory: CATEGORY[status.category], statusDate: dateDto(issue.statusChanged) },
    _links: {
      // As JSM links it: to the platform API's version 2, which this emulator does not serve (its spec is version 3).
      jiraRest: `${state.baseUrl}/rest/api/2/issue/${issue.id}`,
      web: `${state.baseUrl}/servicedesk/customer/portal/${issue.request.serviceDeskId}/${issue.key}`,
      agent: `${state.baseUrl}/browse/${issue.key}`,
      self: api(state, `/request/${issue.id}`),
    },
  };
}

/** JSM `ApprovalDTO`, from the point of view of `viewerId`. */
export function approvalView(state: State, issue: Issue, approval: Approval, viewerId: string) {
  return {
    id: approval.id,
    name: approval.name,
    finalDecision: approval.finalDecision,
    canAnswerApproval: canAnswer(approval, viewerId),
    approvers: approval.approvers.map((a) => ({ approver: jsmUser(state, requireUser(state, a.accountId)), approverDecision: a.decision })),
    createdDate: dateDto(approval.created),
    ...(approval.completed ? { completedDate: dateDto(approval.completed) } : {}),
    _links: { self: api(state, `/request/${issue.id}/approval/${approval.id}`) },
  };
}

/** JSM `CommentDTO`: the body as plain text. */
export function jsmCommentView(state: State, issue: Issue, comment: Comment) {
  return {
    id: comment.id,
    body: adfToText(comment.body),
    public: comment.public,
    author: jsmUser(state, requireUser(state, comment.authorId)),
    created: dateDto(comment.created),
    _links: { self: api(state, `/request/${issue.id}/comment/${comment.id}`) },
  };
}
