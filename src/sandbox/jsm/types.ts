/** Who is calling: the Forge app (asApp), a user (asUser or Basic auth), or nobody. */
export type JsmIdentity = { kind: 'app' } | { kind: 'user'; accountId: string } | { kind: 'anonymous' };

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

/** A Forge product event in the shape the platform delivers it to a `trigger` function (without `context`). */
export type ForgeProductEvent = IssueCreatedEvent | IssueUpdatedEvent | IssueCommentedEvent;
