import type { ResolverResult } from '../../../src/app/resolvers/contracts';

export type AuditRow = ResolverResult<'auditGrants'>['rows'][number];

/** A readable UTC time with its zone, for people: 2026-11-20 10:00:00 UTC. */
export function readableTime(instant: string | undefined): string {
  return instant ? `${new Date(instant).toISOString().slice(0, 19).replace('T', ' ')} UTC` : '';
}

/** How a grant ended (or where it stands), in words for the audit table and exports. */
export function endedAs(row: AuditRow): string {
  const words: Record<AuditRow['state'], string> = {
    requested: 'pending',
    'awaiting-approval': 'awaiting approval',
    approved: 'approved, not yet granted',
    scheduled: 'scheduled',
    granting: 'granting',
    active: 'still active',
    expired: 'expired',
    revoked: row.endedByName ? `revoked early by ${row.endedByName}` : 'revoked early',
    denied: 'denied by policy',
    declined: 'declined by an approver',
    failed: 'failed',
  };
  return `${words[row.state]}${row.breakGlass ? ' (break-glass)' : ''}${row.flagged ? `, flagged: ${row.flagged}` : ''}`;
}

// People by name, with their account ids beside for joins; times readable, in UTC, with the zone.
const COLUMNS = [
  'ticket',
  'requester',
  'requesterAccountId',
  'approvers',
  'approverAccountIds',
  'target',
  'accessLevel',
  'rule',
  'justification',
  'requestedAt',
  'start',
  'plannedEnd',
  'endedAt',
  'state',
  'howItEnded',
  'endedByAccountId',
] as const;

function cells(row: AuditRow): Record<(typeof COLUMNS)[number], string> {
  return {
    ticket: row.ticket,
    requester: row.requesterName,
    requesterAccountId: row.requester,
    approvers: row.approverNames.join('; '),
    approverAccountIds: row.approvers.join(' '),
    target: row.target,
    accessLevel: row.accessLevel,
    rule: row.rule ?? '',
    justification: row.justification ?? '',
    requestedAt: readableTime(row.requestedAt),
    start: readableTime(row.notBefore),
    plannedEnd: readableTime(row.notAfter),
    endedAt: readableTime(row.endedAt),
    state: row.state,
    howItEnded: endedAs(row),
    endedByAccountId: row.endedBy ?? '',
  };
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with an apostrophe. */
export function toCsv(rows: readonly AuditRow[]): string {
  const quote = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((column) => quote(cells(row)[column])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** The rows as the resolver gives them (instants in ISO-8601 UTC, account ids and names), with how each ended. */
export function toJson(rows: readonly AuditRow[]): string {
  return `${JSON.stringify(rows.map((row) => ({ ...row, howItEnded: endedAs(row) })), null, 2)}\n`;
}
