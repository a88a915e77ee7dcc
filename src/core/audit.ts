import { adfDoc, code, strong, type AdfDoc, type ParagraphPiece } from './adf';
import { CoreError } from './core-error';
import { assertNoSecrets } from './secret-guard';
import { DEFAULT_DENY, INVALID_REQUEST } from './decide';
import type { GrantRecord, HistoryEntry } from './grant-record';
import { readableTime } from './readable-time';
import type { Settings } from './settings-schema';

/**
 * One audit entry per lifecycle transition (who, what, when, which rule; never a secret), rendered as
 * an internal comment with the full trace and, where the requester needs to know, a public one that says
 * only what was decided and what to do next: no rule ids, condition traces, event codes or ISO times.
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
  /** Why a denied request was denied, in the requester's words (see `requesterReason`). */
  denial?: string;
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
    ...(last.event === 'policy-denied' ? { denial: requesterReason(last.rule, reasons, settings) } : {}),
  };
  assertNoSecrets(entry);
  return entry;
}

/**
 * Why a request (or an extension) was denied, for the requester: a deny rule's own message, the reason a
 * request cannot be granted as asked, or that no rule allows it; never which conditions matched.
 */
export function requesterReason(rule: { id: string } | undefined, reasons: readonly string[], settings: Settings): string {
  const configured = rule && settings.policies.find((candidate) => candidate.id === rule.id);
  if (configured?.then.type === 'deny' && configured.then.message) return sentence(configured.then.message);
  if (rule?.id === INVALID_REQUEST.id && reasons[0]) return sentence(reasons[0]);
  if (!rule || rule.id === DEFAULT_DENY.id) return 'No access rule allows this request.';
  return 'The access rules do not allow this request.';
}

export function auditComments(record: GrantRecord, settings: Settings, reasons: readonly string[] = [], contact?: string): AuditComments {
  const entry = auditEntry(record, settings, reasons);
  return { entry, internal: internalComment(entry), public: publicComment(entry, contact) };
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

/**
 * The requester's comment on a transition: what was decided, then what to do next. `contact` is the app's
 * configured contact (a group, person or page), named wherever the requester is told to ask someone;
 * without one, they are told to reply on the request, which the service desk sees.
 */
export function publicComment(entry: AuditEntry, contact?: string): AdfDoc | null {
  const what = `${entry.accessLevelName} on ${entry.target}`;
  const window = entry.window;
  const until = window ? ` until ${readableTime(window.notAfter)}` : '';
  const connect = connectionLine(entry);
  const ask = contact ? `contact ${contact}` : 'reply here to ask the service desk';
  const paragraphs = ((): ParagraphPiece[][] | null => {
    switch (entry.event) {
      case 'policy-approved':
        return [[`Your request for ${what} was approved automatically. You will be told here when access is active.`]];
      case 'policy-needs-approval': {
        const approval = entry.approval;
        const who = approval ? `${approval.count} ${approval.count === 1 ? 'member' : 'members'} of ${approval.groupName}` : 'an approver';
        return [[`Your request for ${what} needs approval by ${who}. Nothing to do for now: you will be told here when it is decided.`]];
      }
      case 'policy-denied':
        return [
          [`Your request for ${what} was denied. ${entry.denial ?? 'No access rule allows this request.'}`],
          [`If you still need access, raise a new request that fits the rules, or ${ask}.`],
        ];
      case 'approval-approved':
        return [[`Your request for ${what} was approved. You will be told here when access is active.`]];
      case 'approval-declined':
        return [[`Your request for ${what} was declined. If you still need access, ${contact ? `contact ${contact} to ask why` : 'reply here to ask the service desk why'}, or raise a new request with more detail.`]];
      case 'window-not-open':
        return window
          ? [[`Your request for ${what} was approved. Access starts ${readableTime(window.notBefore)} and ends ${readableTime(window.notAfter)}; you will be told here when it is active.`]]
          : null;
      case 'grant-started':
        return null;
      case 'grant-succeeded':
        return [[`Access to ${entry.target} is active${until}.`], ...connect];
      case 'grant-failed':
        return [
          [`Access to ${entry.target} could not be granted, and nothing was granted.`],
          [`To have it retried, ${ask}, or raise the request again.`],
        ];
      case 'grant-retried':
        return [[`An administrator retried granting access to ${entry.target}. You will be told here when it is active.`]];
      case 'expired':
        return [[`Access to ${entry.target} has ended. If you need it again, raise a new request.`]];
      case 'revoked':
        return entry.from === 'active'
          ? [[`Access to ${entry.target} was revoked. If you still need access, raise a new request.`]]
          : [[`The request was cancelled before access started; nothing was granted. Raise a new request if you still need access.`]];
      case 'extended':
        return [[`Access to ${entry.target} now lasts${until}. Keep using the same login.`]];
      case 'break-glass':
        return [[strong('Emergency access'), ` to ${entry.target} is active${until}. It will be reviewed afterwards: note in this request what you changed.`], ...connect];
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

/** Ends a reason that came without a full stop with one, and starts it with a capital. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function safe(doc: AdfDoc): AdfDoc {
  assertNoSecrets(doc);
  return doc;
}
