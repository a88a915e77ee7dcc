import { adfDoc, code, strong, type AdfDoc, type ParagraphPiece } from './adf';
import { CoreError } from './core-error';
import { assertNoSecrets } from './secret-guard';
import type { GrantRecord, HistoryEntry } from './grant-record';
import type { Settings } from './settings-schema';

/**
 * One audit entry per lifecycle transition (who, what, when, which rule; never a secret), rendered as
 * an internal comment with the details and, where the requester needs to know, a public one.
 */

export interface AuditEntry extends HistoryEntry {
  ticket: string;
  target: string;
  accessLevel: string;
  accessLevelName: string;
  role: string;
  breakGlass: boolean;
  reasons: string[];
  window?: GrantRecord['window'];
  grantId?: string;
  username?: string;
  connect?: GrantRecord['connect'];
  approval?: { groupName: string; count: number };
  /** How many times the grant was retried after failing. */
  retries?: number;
}

export interface AuditComments {
  entry: AuditEntry;
  internal: AdfDoc;
  /** Null when the step means nothing to the requester (a grant attempt starting, say). */
  public: AdfDoc | null;
}

/** The audit entry for the record's latest transition; `reasons` are the decision's, when it was a policy step. */
export function auditEntry(record: GrantRecord, settings: Settings, reasons: readonly string[] = []): AuditEntry {
  const last = record.history[record.history.length - 1];
  if (!last) throw new CoreError('invalid_grant_record', 'The grant record has no transition to audit.', { ticket: record.ticket });
  const group = record.approval && settings.approverGroups.find((candidate) => candidate.id === record.approval?.group);
  const entry: AuditEntry = {
    ...last,
    ticket: record.ticket,
    target: record.target,
    accessLevel: record.accessLevel,
    accessLevelName: settings.accessLevels.find((level) => level.id === record.accessLevel)?.name ?? record.accessLevel,
    role: record.role,
    breakGlass: record.breakGlass,
    reasons: [...reasons],
    ...(record.window ? { window: record.window } : {}),
    ...(record.grantId ? { grantId: record.grantId } : {}),
    ...(record.username ? { username: record.username } : {}),
    ...(record.connect ? { connect: record.connect } : {}),
    ...(record.approval ? { approval: { groupName: group ? group.name : record.approval.group, count: record.approval.count } } : {}),
    ...(record.retries ? { retries: record.retries } : {}),
  };
  assertNoSecrets(entry);
  return entry;
}

export function auditComments(record: GrantRecord, settings: Settings, reasons: readonly string[] = []): AuditComments {
  const entry = auditEntry(record, settings, reasons);
  return { entry, internal: internalComment(entry), public: publicComment(entry) };
}

export function internalComment(entry: AuditEntry): AdfDoc {
  const paragraphs: ParagraphPiece[][] = [
    [strong(`${entry.event}`), `: ${entry.from} → ${entry.to}`],
    [`By ${entry.actor} at ${when(entry.at)}.`],
    [`Target ${entry.target}, access level ${entry.accessLevelName} (connector role `, code(entry.role), ').'],
  ];
  if (entry.rule) paragraphs.push([`Rule: ${entry.rule.name} (`, code(entry.rule.id), ').']);
  for (const reason of entry.reasons) paragraphs.push([`• ${reason}`]);
  if (entry.window) paragraphs.push([`Window: ${when(entry.window.notBefore)} to ${when(entry.window.notAfter)}.`]);
  if (entry.grantId) paragraphs.push(['Grant ', code(entry.grantId), ...(entry.username ? [', login ', code(entry.username)] : []), '.']);
  if (entry.event === 'break-glass') {
    paragraphs.push([strong('Break-glass:'), ' access without prior approval; a review follows.']);
  }
  if (entry.event === 'grant-retried') {
    paragraphs.push([strong(`Retry ${entry.retries ?? 1}`), ' of the failed grant, under a new grant id; grant attempts start again at 1.']);
  }
  if (entry.note) paragraphs.push([`Note: ${entry.note}`]);
  return safe(adfDoc(paragraphs));
}

export function publicComment(entry: AuditEntry): AdfDoc | null {
  const what = `${entry.accessLevelName} on ${entry.target}`;
  const window = entry.window;
  const until = window ? ` until ${when(window.notAfter)}` : '';
  const connect = connectionLine(entry);
  const paragraphs = ((): ParagraphPiece[][] | null => {
    switch (entry.event) {
      case 'policy-approved':
        return [[`Your request for ${what} was approved automatically${entry.rule ? ` (${entry.rule.name})` : ''}.`]];
      case 'policy-needs-approval': {
        const approval = entry.approval;
        const who = approval ? `${approval.count} ${approval.count === 1 ? 'member' : 'members'} of ${approval.groupName}` : 'an approver';
        return [[`Your request for ${what} needs approval by ${who}.`]];
      }
      case 'policy-denied':
        return [[`Your request for ${what} was denied.`], ...entry.reasons.map((reason) => [`• ${reason}`])];
      case 'approval-approved':
        return [[`Your request for ${what} was approved.`]];
      case 'approval-declined':
        return [[`Your request for ${what} was declined.`]];
      case 'window-not-open':
        return window ? [[`Access is scheduled from ${when(window.notBefore)} to ${when(window.notAfter)}.`]] : null;
      case 'grant-started':
        return null;
      case 'grant-succeeded':
        return [[`Access to ${entry.target} is active${until}.`], ...connect];
      case 'grant-failed':
        return [[`Access to ${entry.target} could not be granted. The team has been told; you may raise the request again.`]];
      case 'grant-retried':
        return [[`An administrator retried granting access to ${entry.target}. You will be told here when it is active.`]];
      case 'expired':
        return [[`Access to ${entry.target} has ended.`]];
      case 'revoked':
        return entry.from === 'active'
          ? [[`Access to ${entry.target} was revoked.`]]
          : [[`The request was cancelled before access started; nothing was granted.`]];
      case 'extended':
        return [[`Access to ${entry.target} now lasts${until}.`]];
      case 'break-glass':
        return [[strong('Emergency access'), ` to ${entry.target} is active${until}. It will be reviewed afterwards.`], ...connect];
    }
  })();
  return paragraphs ? safe(adfDoc(paragraphs)) : null;
}

function connectionLine(entry: AuditEntry): ParagraphPiece[][] {
  if (!entry.connect || !entry.username) return [];
  const { host, port, database } = entry.connect;
  return [
    ['Connect to ', code(`${host}:${port}`), database ? ', database ' : '', database ? code(database) : '', ' as ', code(entry.username), '.'],
    ['The password is shown once in the access panel of this request.'],
  ];
}

function when(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function safe(doc: AdfDoc): AdfDoc {
  assertNoSecrets(doc);
  return doc;
}
