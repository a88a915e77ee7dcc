/** The people and names the sandbox seeds; the UI's user picker and the printed banner list the users. */

export const DEMO_USERS = [
  { key: 'requester', email: 'ana@example.com', displayName: 'Ana Lima', role: 'requester' },
  { key: 'approver', email: 'lead@example.com', displayName: 'Lee Adams (DBA lead)', role: 'approver, group dba-leads' },
  { key: 'admin', email: 'admin@example.com', displayName: 'Alex Admin', role: 'Jira admin' },
] as const;

export type DemoUserKey = (typeof DEMO_USERS)[number]['key'];

export const APPROVER_GROUP = 'dba-leads';
export const SERVICE_DESK = { key: 'DBA', name: 'Database Access' } as const;
export const CHANGE_PROJECT = { key: 'CHG', name: 'Change management' } as const;
export const TARGETS = [
  { id: 'shop-dev', environment: 'dev' },
  { id: 'shop-prod', environment: 'prod' },
] as const;
