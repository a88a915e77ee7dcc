import type { ChangelogItem } from './types';
import type { Workflow } from './workflow';

export type AccountType = 'atlassian' | 'customer' | 'app';
/** `deleted`: the account was deleted; what it did on issues stays, but the user API no longer answers for it. */
export type User = { accountId: string; emailAddress: string; displayName: string; accountType: AccountType; active: boolean; timeZone: string; deleted?: true };
export type Group = { groupId: string; name: string; members: Set<string> };
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';
export type Status = { id: string; name: string; category: StatusCategoryKey; description: string };
export type IssueType = { id: string; name: string; description: string; subtask: boolean; hierarchyLevel: number };
export type Resolution = { id: string; name: string; description: string };
export type FieldOption = { id: string; value: string };
export type Field = {
  id: string;
  name: string;
  description: string;
  custom: boolean;
  schema: { type: string; items?: string; system?: string; custom?: string; customId?: number };
  options: FieldOption[];
};
export type Project = {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'service_desk' | 'software' | 'business';
  /** Company-managed (`classic`) or team-managed (`next-gen`), as Jira's project API spells it. */
  style: 'classic' | 'next-gen';
  leadAccountId: string | null;
  issueTypeIds: string[];
  /** Workflow per issue type id; `default` applies to the others. */
  workflows: Map<string, Workflow>;
  defaultWorkflow: Workflow;
};
export type ServiceDesk = { id: string; projectKey: string };
export type RequestTypeField = { fieldId: string; name: string; description: string; required: boolean };
export type RequestType = {
  id: string;
  serviceDeskId: string;
  name: string;
  description: string;
  helpText: string;
  issueTypeId: string;
  groupIds: string[];
  fields: RequestTypeField[];
};
/** A file on an issue: its bytes as uploaded, the type the uploader declared. */
export type Attachment = { id: string; filename: string; mimeType: string; content: Uint8Array<ArrayBuffer>; authorId: string; created: Date };
export type Comment = { id: string; body: unknown; public: boolean; authorId: string; created: Date; updated: Date };
export type ApproverDecision = 'approved' | 'declined' | 'pending';
export type Approval = {
  id: string;
  name: string;
  statusId: string;
  approvers: { accountId: string; decision: ApproverDecision }[];
  required: number;
  finalDecision: ApproverDecision;
  created: Date;
  completed: Date | null;
};
export type Changelog = { id: string; authorId: string; created: Date; items: ChangelogItem[] };
export type Issue = {
  id: string;
  key: string;
  projectKey: string;
  issueTypeId: string;
  statusId: string;
  statusChanged: Date;
  resolutionId: string | null;
  resolved: Date | null;
  reporterId: string;
  creatorId: string;
  assigneeId: string | null;
  created: Date;
  updated: Date;
  /** summary, description (ADF), labels and custom field values, keyed by field id. */
  values: Map<string, unknown>;
  properties: Map<string, unknown>;
  comments: Comment[];
  attachments: Attachment[];
  changelog: Changelog[];
  approvals: Approval[];
  participants: Set<string>;
  request: { serviceDeskId: string; requestTypeId: string } | null;
};
export type LinkType = { id: string; name: string; inward: string; outward: string };
export type IssueLink = { id: string; typeId: string; inwardIssueId: string; outwardIssueId: string };
/** An email notification Jira put on its mail queue (`POST /rest/api/3/issue/{key}/notify`), with the accounts it reaches. */
export type SentNotification = { issueKey: string; subject: string; textBody: string; recipients: string[]; at: Date };

/** Everything the emulator knows: plain maps, mutated only by the operations and the admin API. */
export class State {
  readonly users = new Map<string, User>();
  readonly groups = new Map<string, Group>();
  readonly statuses = new Map<string, Status>();
  readonly issueTypes = new Map<string, IssueType>();
  readonly resolutions = new Map<string, Resolution>();
  readonly fields = new Map<string, Field>();
  readonly projects = new Map<string, Project>();
  readonly serviceDesks = new Map<string, ServiceDesk>();
  readonly requestTypes = new Map<string, RequestType>();
  readonly issues = new Map<string, Issue>();
  readonly issueKeys = new Map<string, string>();
  readonly linkTypes = new Map<string, LinkType>();
  readonly links: IssueLink[] = [];
  readonly notifications: SentNotification[] = [];
  private readonly counters = new Map<string, number>();

  constructor(
    readonly now: () => Date,
    readonly baseUrl: string,
  ) {}

  /** Sequential ids per kind, starting where Jira's own do (10000) so they look real. */
  nextId(kind: string, start = 10000): string {
    const next = (this.counters.get(kind) ?? start - 1) + 1;
    this.counters.set(kind, next);
    return String(next);
  }

  nextIssueNumber(projectKey: string): number {
    return Number(this.nextId(`issue-number:${projectKey}`, 1));
  }

  findIssue(idOrKey: string): Issue | undefined {
    const id = this.issueKeys.get(idOrKey.toUpperCase()) ?? idOrKey;
    return this.issues.get(id);
  }

  findProject(idOrKey: string): Project | undefined {
    const byKey = this.projects.get(idOrKey.toUpperCase());
    if (byKey) return byKey;
    return [...this.projects.values()].find((project) => project.id === idOrKey);
  }

  findStatusByName(name: string): Status | undefined {
    return [...this.statuses.values()].find((status) => status.name.toLowerCase() === name.toLowerCase());
  }

  findUserByEmail(email: string): User | undefined {
    return [...this.users.values()].find((user) => user.emailAddress.toLowerCase() === email.toLowerCase());
  }

  workflowFor(issue: Pick<Issue, 'projectKey' | 'issueTypeId'>): Workflow {
    const project = this.projects.get(issue.projectKey);
    if (!project) throw new Error(`project ${issue.projectKey} vanished`);
    return project.workflows.get(issue.issueTypeId) ?? project.defaultWorkflow;
  }

  isInGroup(accountId: string, groupName: string): boolean {
    return this.groups.get(groupName)?.members.has(accountId) ?? false;
  }

  groupsOf(accountId: string): Group[] {
    return [...this.groups.values()].filter((group) => group.members.has(accountId));
  }
}
