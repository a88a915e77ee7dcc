/**
 * Who is calling: the Forge app (asApp), a user (asUser or Basic auth), or nobody. `scopes` are the app's
 * manifest scopes on a call made through Forge (asApp or asUser); a Basic-auth user has none to check.
 */
export type JsmIdentity =
  | { kind: 'app'; scopes?: readonly string[] }
  | { kind: 'user'; accountId: string; scopes?: readonly string[] }
  | { kind: 'anonymous' };

export type ChangelogItem = {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
};

/** The issue as Forge product events carry it: id, key and the navigable fields an app filters on. */
export type EventIssue = {
  id: string;
  key: string;
  fields: Record<string, unknown>;
};

export type IssueCreatedEvent = {
  eventType: 'avi:jira:created:issue';
  atlassianId: string;
  /** True when the app's own REST call caused the event (what `filter.ignoreSelf` drops). */
  selfGenerated: boolean;
  issue: EventIssue;
  timestamp: string;
};

export type IssueUpdatedEvent = {
  eventType: 'avi:jira:updated:issue';
  atlassianId: string;
  /** True when the app's own REST call caused the event (what `filter.ignoreSelf` drops). */
  selfGenerated: boolean;
  issue: EventIssue;
  changelog: { id: string; items: ChangelogItem[] };
  timestamp: string;
};

export type IssueCommentedEvent = {
  eventType: 'avi:jira:commented:issue';
  atlassianId: string;
  /** True when the app's own REST call caused the event (what `filter.ignoreSelf` drops). */
  selfGenerated: boolean;
  issue: EventIssue;
  comment: { id: string; body: unknown; author: { accountId: string }; created: string; updated: string; jsdPublic: boolean };
  timestamp: string;
};

export type IssueDeletedEvent = {
  eventType: 'avi:jira:deleted:issue';
  atlassianId: string;
  /** True when the app's own REST call caused the event (what `filter.ignoreSelf` drops). */
  selfGenerated: boolean;
  /** The issue as it was before it was deleted. */
  issue: EventIssue;
  timestamp: string;
};

/** A Forge product event in the shape the platform delivers it to a `trigger` function (without `context`). */
export type ForgeProductEvent = IssueCreatedEvent | IssueUpdatedEvent | IssueCommentedEvent | IssueDeletedEvent;
