import type { AccessLevel, SettingsInput } from './settings-schema';
import type { PolicyRuleInput } from './policy-schema';

/** What a fresh installation starts with; the admin page edits a copy. Parse with parseSettings. */

export const defaultAccessLevels: AccessLevel[] = [
  {
    id: 'read-only',
    name: 'Read-only troubleshooting',
    description: 'Read data to investigate an incident or a bug.',
    connectorRole: 'read',
    defaultDuration: 'PT4H',
    maxDuration: 'PT8H',
    requiresChange: false,
    breakGlass: false,
    boundToWindow: false,
  },
  {
    id: 'emergency-fix',
    name: 'Emergency fix',
    description: 'Change data to stop an ongoing incident. Break-glass may use it.',
    connectorRole: 'write',
    defaultDuration: 'PT2H',
    maxDuration: 'PT4H',
    requiresChange: false,
    breakGlass: true,
    boundToWindow: false,
  },
  {
    id: 'maintenance',
    name: 'Maintenance window',
    description: 'Change data during a planned maintenance window; access lasts the window.',
    connectorRole: 'write',
    defaultDuration: 'PT4H',
    maxDuration: 'PT12H',
    requiresChange: false,
    breakGlass: false,
    boundToWindow: true,
  },
  {
    id: 'schema-change',
    name: 'Schema change',
    description: 'Apply an approved change to the schema during its planned window.',
    connectorRole: 'ddl',
    defaultDuration: 'PT2H',
    maxDuration: 'PT8H',
    requiresChange: true,
    breakGlass: false,
    boundToWindow: true,
  },
];

export const defaultPolicies: PolicyRuleInput[] = [
  {
    // Break-glass must not wait for an approver; it is loud and reviewed afterwards instead.
    id: 'break-glass-emergency',
    name: 'Break-glass emergency fix',
    when: { breakGlass: true, accessLevels: ['emergency-fix'] },
    then: { type: 'auto-approve' },
  },
  {
    id: 'read-only-dev',
    name: 'Read-only on dev is automatic',
    when: { accessLevels: ['read-only'], environments: ['dev'] },
    then: { type: 'auto-approve' },
  },
  {
    id: 'prod-needs-dba-lead',
    name: 'Production needs a DBA lead',
    when: { environments: ['prod'] },
    then: { type: 'approval', group: 'dba-leads', count: 1 },
  },
];

export const defaultSettings: SettingsInput = {
  connectorUrl: 'http://127.0.0.1:8787',
  targets: [],
  accessLevels: defaultAccessLevels,
  policies: defaultPolicies,
  approverGroups: [{ id: 'dba-leads', name: 'DBA leads', jiraGroup: 'dba-leads' }],
  businessHours: { timeZone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
  statuses: {
    awaitingApproval: 'Waiting for approval',
    approved: 'Approved',
    granted: 'Access granted',
    expired: 'Access expired',
    revoked: 'Access revoked',
    denied: 'Denied',
    declined: 'Declined',
    failed: 'Access failed',
    endAccess: ['Resolved', 'Canceled', 'Closed', 'Done'],
  },
  transitions: {
    // The app's own transition: JSM keeps the approval step's "Approve" to the step's approvers.
    approve: 'Approved by policy',
    deny: 'Deny',
    markGranted: 'Access granted',
    markExpired: 'Access expired',
    markRevoked: 'Revoke access',
    markFailed: 'Access failed',
    retry: 'Retry access',
  },
  changes: { approvedStatuses: ['Awaiting implementation', 'Implementing', 'Scheduled', 'Approved'] },
  requestTypes: {},
};
