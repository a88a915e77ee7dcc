import type { ResolverResult } from '../../../src/app/resolvers/contracts';

export type AuditRow = ResolverResult<'auditGrants'>['rows'][number];

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
    revoked: 'revoked early',
    denied: 'denied by policy',
    declined: 'declined by an approver',
    failed: 'failed',
  };
  return `${words[row.state]}${row.breakGlass ? ' (break-glass)' : ''}${row.flagged ? `, flagged: ${row.flagged}` : ''}`;
}

const COLUMNS = ['ticket', 'requester', 'approvers', 'target', 'accessLevel', 'rule', 'requestedAt', 'start', 'end', 'state', 'howItEnded'] as const;

function cells(row: AuditRow): Record<(typeof COLUMNS)[number], string> {
  return {
    ticket: row.ticket,
    requester: row.requester,
    approvers: row.approvers.join(' '),
    target: row.target,
    accessLevel: row.accessLevel,
    rule: row.rule ?? '',
    requestedAt: row.requestedAt,
    start: row.notBefore ?? '',
    end: row.notAfter ?? '',
    state: row.state,
    howItEnded: endedAs(row),
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

export function toJson(rows: readonly AuditRow[]): string {
  return `${JSON.stringify(rows.map((row) => ({ ...row, howItEnded: endedAs(row) })), null, 2)}\n`;
}
