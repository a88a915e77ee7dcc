import type { EventBus } from './event-bus';
import { fieldValueId, fieldValueString } from './field-values';
import type { Approval, Issue, State } from './state';
import type { ChangelogItem } from './types';
import { eventIssue } from './views/issue-view';
import { transitionsFrom, type ApprovalStep, type WorkflowTransition } from './workflow';

export type NewIssue = {
  projectKey: string;
  issueTypeId: string;
  values: Map<string, unknown>;
  reporterId: string;
  assigneeId: string | null;
  participants: string[];
  request: Issue['request'];
  /** Set with the issue, before its created event (the portal's create-form panels). */
  properties?: Map<string, unknown>;
};

/**
 * The mutations that change an issue. Callers validate everything first; these only apply a change,
 * record its changelog and emit the product event, so a refused request never leaves a trace.
 */
export class IssueOps {
  constructor(
    private readonly state: State,
    private readonly events: EventBus,
    private readonly appAccountId: string,
  ) {}

  create(input: NewIssue, actorId: string): Issue {
    const { state } = this;
    const now = state.now();
    const project = state.projects.get(input.projectKey);
    if (!project) throw new Error(`project ${input.projectKey} vanished`);
    const id = state.nextId('issue');
    const workflow = state.workflowFor(input);
    const issue: Issue = {
      id,
      key: `${project.key}-${state.nextIssueNumber(project.key)}`,
      projectKey: project.key,
      issueTypeId: input.issueTypeId,
      statusId: workflow.initialStatusId,
      statusChanged: now,
      resolutionId: null,
      resolved: null,
      reporterId: input.reporterId,
      creatorId: actorId,
      assigneeId: input.assigneeId,
      created: now,
      updated: now,
      values: input.values,
      properties: new Map(input.properties ?? []),
      comments: [],
      attachments: [],
      changelog: [],
      approvals: [],
      participants: new Set(input.participants),
      request: input.request,
    };
    state.issues.set(id, issue);
    state.issueKeys.set(issue.key, id);
    this.openApproval(issue);
    this.events.emit({
      eventType: 'avi:jira:created:issue',
      atlassianId: actorId,
      selfGenerated: actorId === this.appAccountId,
      issue: eventIssue(state, issue),
      timestamp: now.toISOString(),
    });
    return issue;
  }

  /** Sets field values; only real changes reach the changelog, and no change means no event. */
  updateFields(issue: Issue, changes: Map<string, unknown>, actorId: string): void {
    const items: ChangelogItem[] = [];
    for (const [fieldId, value] of changes) {
      const before = issue.values.get(fieldId) ?? null;
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      const field = this.state.fields.get(fieldId);
      if (!field) throw new Error(`field ${fieldId} vanished`);
      issue.values.set(fieldId, value);
      items.push({
        field: field.custom ? field.name : field.id,
        fieldtype: field.custom ? 'custom' : 'jira',
        fieldId,
        from: fieldValueId(field, before),
        fromString: fieldValueString(this.state, field, before),
        to: fieldValueId(field, value),
        toString: fieldValueString(this.state, field, value),
      });
    }
    this.recordChange(issue, items, actorId);
  }

  setAssignee(issue: Issue, assigneeId: string | null, actorId: string): void {
    if (issue.assigneeId === assigneeId) return;
    const name = (id: string | null) => (id ? (this.state.users.get(id)?.displayName ?? id) : null);
    const item: ChangelogItem = { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: issue.assigneeId, fromString: name(issue.assigneeId), to: assigneeId, toString: name(assigneeId) };
    issue.assigneeId = assigneeId;
    this.recordChange(issue, [item], actorId);
  }

  /** Moves the issue along a transition: status, resolution (set on done, cleared otherwise) and approvals. */
  transition(issue: Issue, transition: WorkflowTransition, actorId: string, fieldChanges: Map<string, unknown> = new Map()): void {
    const { state } = this;
    const now = state.now();
    const from = state.statuses.get(issue.statusId);
    const to = state.statuses.get(transition.toStatusId);
    if (!from || !to) throw new Error('workflow names a status that vanished');
    for (const [fieldId, value] of fieldChanges) issue.values.set(fieldId, value);
    const items: ChangelogItem[] = [
      { field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name },
    ];
    const resolutionId = to.category === 'done' ? [...state.resolutions.values()].find((r) => r.name === transition.resolutionName)?.id ?? null : null;
    if (resolutionId !== issue.resolutionId) {
      const name = (id: string | null) => (id ? (state.resolutions.get(id)?.name ?? null) : null);
      items.push({ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: issue.resolutionId, fromString: name(issue.resolutionId), to: resolutionId, toString: name(resolutionId) });
      issue.resolutionId = resolutionId;
      issue.resolved = resolutionId ? now : null;
    }
    issue.statusId = to.id;
    if (from.category !== to.category || from.id !== to.id) issue.statusChanged = now;
    // A pending approval belongs to the status it was opened in; leaving the status withdraws it.
    issue.approvals = issue.approvals.filter((a) => a.finalDecision !== 'pending');
    this.recordChange(issue, items, actorId);
    this.openApproval(issue);
  }

  addComment(issue: Issue, body: unknown, isPublic: boolean, authorId: string) {
    const now = this.state.now();
    const comment = { id: this.state.nextId('comment'), body, public: isPublic, authorId, created: now, updated: now };
    issue.comments.push(comment);
    issue.updated = now;
    this.events.emit({
      eventType: 'avi:jira:commented:issue',
      atlassianId: authorId,
      selfGenerated: authorId === this.appAccountId,
      issue: eventIssue(this.state, issue),
      comment: { id: comment.id, body, author: { accountId: authorId }, created: now.toISOString(), updated: now.toISOString(), jsdPublic: isPublic },
      timestamp: now.toISOString(),
    });
    return comment;
  }

  /** Deletes the issue with its comments, properties and links. */
  delete(issue: Issue, actorId: string): void {
    const { state } = this;
    const before = eventIssue(state, issue);
    state.issues.delete(issue.id);
    state.issueKeys.delete(issue.key);
    for (let index = state.links.length - 1; index >= 0; index -= 1) {
      const link = state.links[index];
      if (link && (link.inwardIssueId === issue.id || link.outwardIssueId === issue.id)) state.links.splice(index, 1);
    }
    this.events.emit({
      eventType: 'avi:jira:deleted:issue',
      atlassianId: actorId,
      selfGenerated: actorId === this.appAccountId,
      issue: before,
      timestamp: state.now().toISOString(),
    });
  }

  availableTransitions(issue: Issue): WorkflowTransition[] {
    return transitionsFrom(this.state.workflowFor(issue), issue.statusId);
  }

  private recordChange(issue: Issue, items: ChangelogItem[], actorId: string): void {
    if (items.length === 0) return;
    const now = this.state.now();
    const entry = { id: this.state.nextId('changelog'), authorId: actorId, created: now, items };
    issue.changelog.push(entry);
    issue.updated = now;
    this.events.emit({
      eventType: 'avi:jira:updated:issue',
      atlassianId: actorId,
      selfGenerated: actorId === this.appAccountId,
      issue: eventIssue(this.state, issue),
      changelog: { id: entry.id, items },
      timestamp: now.toISOString(),
    });
  }

  private openApproval(issue: Issue): void {
    const step = this.state.workflowFor(issue).approvals.find((a) => a.statusId === issue.statusId);
    if (!step) return;
    const approval: Approval = {
      id: this.state.nextId('approval', 1),
      name: step.name,
      statusId: step.statusId,
      approvers: this.approversFor(issue, step).map((accountId) => ({ accountId, decision: 'pending' })),
      required: step.required,
      finalDecision: 'pending',
      created: this.state.now(),
      completed: null,
    };
    issue.approvals.push(approval);
  }

  private approversFor(issue: Issue, step: ApprovalStep): string[] {
    const { approvers } = step;
    if ('group' in approvers) return [...(this.state.groups.get(approvers.group)?.members ?? [])];
    if ('accountIds' in approvers) return approvers.accountIds.filter((id) => this.state.users.has(id));
    const value = issue.values.get(approvers.fieldId);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  }
}
