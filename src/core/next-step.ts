import { adfDoc, type AdfDoc } from './adf';
import type { LinkedChange } from './access-request';
import { requesterReason } from './audit';
import { decide } from './decide';
import { describeDuration, formatDuration, parseDuration } from './duration';
import { markCredentialRevealed, recordTransition, type GrantRecord, type GrantRecordPatch, type TransitionInput } from './grant-record';
import { readableTime } from './readable-time';
import { isRetryable } from './retryable';
import type { Settings } from './settings-schema';
import { statusAction } from './status-action';
import { computeExtension, grantWindow, plannedWindowOf } from './window';

/**
 * What a grant's work does next, decided in one place: (grant as stored, event, settings, now) -> (the
 * lifecycle steps and the record they make, the job and warning to keep, and the effects the app applies,
 * in order, or a refusal). Covers the grant job (a delivery, the connector's answer or its failure), the
 * sweep (a grant whose time has come), a status a person moved the ticket to, the panel's revoke, cancel,
 * retry and reveal, an extension (asked, answered, made at the connector), and the end of access (the
 * connector's answer to a revocation, or the end it reports). No I/O: the app reads, calls `nextStep`,
 * stores the record with the ticket writes it owes in one conditional write, then applies the rest.
 */

/** The platform's longest queue delivery delay; a window further out is left to the sweep. */
export const MAX_JOB_DELAY_SECONDS = 900;
/** How long after its expected delivery a grant job that has not acted counts as lost (a consumer runs 120 s at most). */
export const JOB_GRACE_MS = 10 * 60_000;
/** A window opening sooner than this counts as open now. */
const OPEN_NOW_MS = 5_000;

/** The grant as stored, as far as its next step depends on it. */
export interface GrantFacts {
  record: GrantRecord;
  /** The grant job allowed to act and when it is due. */
  job?: { token: string; deliverAt: string };
  requestedStart?: string;
  change?: LinkedChange;
  /** The rule that decided and its reasons, recorded when a break-glass grant starts. */
  rule?: { id: string; name: string };
  reasons: readonly string[];
  reviewTask?: string;
  warnAt?: string;
  revokeRequested?: RevokeRequest;
  /** A granted break-glass grant whose alert is not delivered yet. */
  alertOwed: boolean;
  /** An extension waiting for an approver of `group`. */
  pendingExtension?: PendingExtension;
  /** Ticket writes of earlier steps not applied yet. */
  ticketWritesOwed: boolean;
  /** The ticket was deleted: nothing is written to it any more. */
  ticketDeleted: boolean;
}

/** Access to end at the connector: who asked, why, and which end it records. */
export interface RevokeRequest {
  by: string;
  reason: string;
  event: 'revoked' | 'expired';
}

export interface PendingExtension {
  extendBy: string;
  at: string;
  group: string;
}

export interface StepSettings {
  settings: Settings;
  warnBeforeMinutes: number;
  maxGrantAttempts: number;
}

export type GrantEvent =
  /** The request was approved (by policy or by its approvers): these steps, then on to access. */
  | { kind: 'approved'; steps: StepSpec[]; moves: TicketMove[] }
  /** The queue delivered the grant job carrying `token`. */
  | { kind: 'job-delivered'; token: string }
  /** The connector created the access (idempotent by grant id). */
  | { kind: 'access-created'; notBefore: string; notAfter: string; username: string; connect: NonNullable<GrantRecord['connect']>; capped?: string }
  /** Asking the connector failed; `retryable` when it may recover. */
  | { kind: 'attempt-failed'; message: string; retryable: boolean }
  /** The sweep found the grant due. */
  | { kind: 'due' }
  /** A person moved the ticket to `status`; `statusAction` says what that means for the grant. */
  | { kind: 'status-changed'; status: string; actor: string }
  /** The connector ended access as `revoke-access` asked: recorded, and `moves` made. */
  | ({ kind: 'revoked-at-connector'; moves: TicketMove[] } & RevokeRequest)
  /** The connector could not be reached to end access (`code`): the sweep asks again. */
  | ({ kind: 'revoke-deferred'; code: string } & RevokeRequest)
  /** The connector reports access ended (its callback, or what the sweep found there). */
  | { kind: 'access-ended'; how: 'expired' | 'revoked'; actor: string; note: string }
  /** A person ends access from the panel. */
  | { kind: 'revoke'; by: string; reason: string }
  /** The requester or an agent withdraws a request nobody approved yet. */
  | { kind: 'cancel'; by: string }
  /** An administrator sends a stuck grant to the queue again, or grants a failed one again. */
  | { kind: 'retry'; by: string }
  /** The requester asks for the one-time password. */
  | { kind: 'reveal' }
  /** The requester asks for `extendBy` more; `requesterGroups` read when a rule looks at groups. */
  | { kind: 'extension-asked'; extendBy: string; requesterGroups: readonly string[] }
  /** An approver answers the extension waiting for their group. */
  | { kind: 'extension-answered'; by: string; approverGroups: readonly string[]; decision: 'approve' | 'decline' }
  /** The connector moved the end of access to `notAfter` (as `extend-access` asked). */
  | ({ kind: 'access-extended' } & Extension);

/** An extension decided: the new end and the `extended` step's actor, rule or approver, note and reasons. */
export interface Extension {
  notAfter: string;
  actor: string;
  rule?: { id: string; name: string };
  approver?: string;
  note: string;
  reasons: readonly string[];
}

/** What the person who asked for or answered an extension is told. */
export interface ExtensionReply {
  outcome: 'extended' | 'needs-approval' | 'denied' | 'declined';
  notAfter?: string;
  /** The decision's reasons, as the internal note has them (the policy's trace). */
  reasons: string[];
  /** What the access panel says: what was decided and what follows, in sentences, as the requester's comment says it; no trace, no account id. */
  message: string;
}

export type TicketMove = { transition: string } | { toStatus: string };

export type GrantEffect =
  | { kind: 'move'; move: TicketMove }
  /**
   * The internal audit comment of the steps and, when `public`, the requester's comment of the last one;
   * `defer` keeps the audit with the grant for the next steps' comment (an approval the grant follows at once).
   */
  | { kind: 'step-comments'; public: boolean; publicExtra?: AdfDoc; defer?: true }
  | { kind: 'comment'; visibility: 'internal' | 'public'; body: AdfDoc }
  /** The `jit-access` property, as the record is stored. */
  | { kind: 'property' }
  /** Send the grant job recorded as `job` (delivered at its deliverAt). */
  | { kind: 'queue-job' }
  /** Ask the queue to deliver this job again after `afterSeconds` (the platform's retry). */
  | { kind: 'retry-job'; afterSeconds: number }
  | { kind: 'create-access'; notBefore: string; notAfter: string; capped?: string }
  /** End access at the connector, then record `event` and make `moves` (none: the ticket already says so). */
  | { kind: 'revoke-access'; by: string; reason: string; event: 'revoked' | 'expired'; moves?: TicketMove[] }
  /** Made before anything is stored: a workflow that refuses it refuses the event. */
  | { kind: 'move-first'; move: TicketMove }
  /** Count the request's approvals (JSM's approval step moved the ticket). */
  | { kind: 'check-approval' }
  /** Move the end of access at the connector, then record it (`access-extended`). */
  | ({ kind: 'extend-access' } & Extension)
  /** Past the end: confirm the connector ended access, or end it now. */
  | { kind: 'confirm-end' }
  | { kind: 'deliver-alert' }
  /** Apply ticket writes earlier steps still owe; everything else waits for the next sweep. */
  | { kind: 'replay-ticket-writes' }
  /** Write the grant unchanged, so the store files it under its derived phase. */
  | { kind: 'refile' };

/** A lifecycle step to record; `actorName` is the actor's display name when already read, for the comment. */
export type StepSpec = Omit<TransitionInput, 'at'> & { reasons?: readonly string[]; actorName?: string };

export interface NextStep {
  /** Lifecycle steps to record, in order. */
  steps: StepSpec[];
  /** The record after the steps (and any attempt counted). */
  record: GrantRecord;
  /** The job to keep: unchanged, cleared, or a new delivery of the same token (`token` undefined: a new job). */
  job: 'keep' | 'clear' | { deliverAt: string; token?: string };
  /** The warning before the end, when the steps set or clear it (`at` undefined: no warning). */
  warnAt?: { at: string | undefined };
  /** The revocation the sweep retries, when set or cleared (`to` undefined: none). */
  revokeRequested?: { to: (RevokeRequest & { at: string }) | undefined };
  /** The extension waiting for approval, when set or cleared (`to` undefined: none). */
  pendingExtension?: { to: PendingExtension | undefined };
  /** What the person who asked for or answered an extension is told. */
  reply?: ExtensionReply;
  effects: GrantEffect[];
  /** The event is refused as the grant stands (nothing to store or apply): why, for the person who asked. */
  refused?: string;
  /** The person may not do this: why; only the effects (a note of the attempt) are applied. */
  forbidden?: string;
}

const GRANTABLE = new Set(['requested', 'approved', 'scheduled', 'granting']);
/** States whose job the sweep sends again when it is lost. */
const RESENT = new Set(['requested', 'approved', 'granting']);

export function nextStep(grant: GrantFacts, event: GrantEvent, context: StepSettings, now: Date): NextStep {
  switch (event.kind) {
    case 'approved':
      return approved(grant, event, context, now);
    case 'job-delivered':
      return jobDelivered(grant, event.token, context, now);
    case 'access-created':
      return accessCreated(grant, event, context, now);
    case 'attempt-failed':
      return attemptFailed(grant, event, context, now);
    case 'due':
      return due(grant, now);
    case 'status-changed':
      return statusChanged(grant, event, context.settings, now);
    case 'revoke':
      if (grant.record.state === 'awaiting-approval') return refused(grant, 'Nothing was granted yet: cancel the request instead.');
      return revoke(grant, { by: event.by, reason: event.reason, event: 'revoked', moves: [{ transition: context.settings.transitions.markRevoked }] }, now);
    case 'cancel':
      if (grant.record.state !== 'awaiting-approval') return refused(grant, 'Only a request still waiting for approval can be cancelled.');
      return withSteps(grant, [{ event: 'revoked', actor: event.by, note: 'cancelled before approval' }], now, {
        job: 'keep',
        effects: ticketWrites(grant, [{ transition: context.settings.transitions.cancel }], { public: true }),
      });
    case 'retry':
      return retry(grant, event.by, context.settings, now);
    case 'reveal':
      return reveal(grant, now);
    case 'revoked-at-connector':
      return ended(grant, event.event, event.by, event.reason, event.moves, now);
    case 'access-ended': {
      const { transitions } = context.settings;
      return ended(grant, event.how, event.actor, event.note, [{ transition: event.how === 'expired' ? transitions.markExpired : transitions.markRevoked }], now);
    }
    case 'revoke-deferred':
      return revokeDeferred(grant, event, now);
    case 'extension-asked':
      return extensionAsked(grant, event, context.settings, now);
    case 'extension-answered':
      return extensionAnswered(grant, event, context.settings);
    case 'access-extended':
      return accessExtended(grant, event, context, now);
  }
}

const refused = (grant: GrantFacts, why: string): NextStep => ({ ...nothing(grant), refused: why });

const nothing = (grant: GrantFacts): NextStep => ({ steps: [], record: grant.record, job: 'keep', effects: [] });

function withSteps(grant: GrantFacts, steps: StepSpec[], now: Date, rest: Omit<NextStep, 'steps' | 'record'>): NextStep {
  let record = grant.record;
  for (const step of steps) record = recordTransition(record, { ...step, at: now });
  return { steps, record, ...rest };
}

/**
 * Approval steps, then on to access: a window open now queues the grant job at once, and the approval's
 * audit waits for the grant's comment (one Jira call fewer; the requester hears when access starts); one
 * that opens later records `window-not-open` (the requester is told when), with the job delayed when the
 * opening is within the queue's reach and otherwise left to the sweep.
 */
function approved(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'approved' }>, context: StepSettings, now: Date): NextStep {
  const window = grantWindow(grant.record, grant, context.settings, now);
  const opensInMs = window.ok ? window.notBefore.getTime() - now.getTime() : 0;
  if (!window.ok || opensInMs <= OPEN_NOW_MS) {
    return withSteps(grant, event.steps, now, {
      job: { deliverAt: now.toISOString() },
      effects: [...ticketWrites(grant, event.moves, { public: false, defer: true }, false), { kind: 'queue-job' }],
    });
  }
  const set: GrantRecordPatch = { window: { notBefore: window.notBefore.toISOString(), notAfter: window.notAfter.toISOString() } };
  const reachable = opensInMs / 1000 <= MAX_JOB_DELAY_SECONDS;
  return withSteps(grant, [...event.steps, { event: 'window-not-open', actor: 'app', set }], now, {
    job: reachable ? { deliverAt: window.notBefore.toISOString() } : 'clear',
    effects: [...ticketWrites(grant, event.moves, { public: true }), ...(reachable ? [{ kind: 'queue-job' as const }] : [])],
  });
}

/** Only the job whose token the grant holds acts, on a grant that may still be granted. */
function jobDelivered(grant: GrantFacts, token: string, context: StepSettings, now: Date): NextStep {
  const { record } = grant;
  if (grant.job?.token !== token || !GRANTABLE.has(record.state) || grant.revokeRequested) return nothing(grant);
  if (record.state === 'requested' && !record.breakGlass) return nothing(grant);
  const window = grantWindow(record, grant, context.settings, now);
  if (!window.ok) return failed(grant, window.reason, record.attempts, context, now);
  const opensInSeconds = (window.notBefore.getTime() - now.getTime()) / 1000;
  if (opensInSeconds * 1000 > OPEN_NOW_MS) {
    // Too early (a delayed delivery came soon): the same job again when the window opens, or the sweep's.
    return opensInSeconds <= MAX_JOB_DELAY_SECONDS ? { ...nothing(grant), job: { deliverAt: window.notBefore.toISOString(), token }, effects: [{ kind: 'queue-job' }] } : nothing(grant);
  }
  // The grant id is recorded before the connector is asked, so a crash between the two leaves an intent the sweep and reconciliation can see.
  const steps: StepSpec[] = record.state === 'approved' || record.state === 'scheduled' ? [{ event: 'grant-started', actor: 'app' }] : [];
  const create: GrantEffect = {
    kind: 'create-access',
    notBefore: window.notBefore.toISOString(),
    notAfter: window.notAfter.toISOString(),
    ...(window.cappedBy ? { capped: window.explanation } : {}),
  };
  return withSteps(grant, steps, now, { job: steps.length ? { deliverAt: now.toISOString(), token } : 'keep', effects: [create] });
}

function accessCreated(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'access-created' }>, context: StepSettings, now: Date): NextStep {
  const { record } = grant;
  const window = { notBefore: event.notBefore, notAfter: event.notAfter };
  const set: GrantRecordPatch = {
    window,
    username: event.username,
    connect: event.connect,
    attempts: record.attempts + 1,
    lastError: undefined,
    ...(grant.reviewTask ? { reviewTask: grant.reviewTask } : {}),
  };
  const breakGlass = record.state === 'requested';
  const step: StepSpec = breakGlass
    ? { event: 'break-glass', actor: record.requester.accountId, ...(grant.rule ? { rule: grant.rule } : {}), reasons: grant.reasons, set }
    : { event: 'grant-succeeded', actor: 'app', set };
  const { transitions } = context.settings;
  const moves: TicketMove[] = breakGlass ? [{ transition: transitions.approve }, { transition: transitions.markGranted }] : [{ transition: transitions.markGranted }];
  return withSteps(grant, [step], now, {
    job: 'clear',
    warnAt: { at: warnAtOf(window, context.warnBeforeMinutes) },
    effects: [
      ...ticketWrites(grant, moves, { public: true, ...(event.capped ? { publicExtra: adfDoc([[event.capped]]) } : {}) }),
      // Every granted break-glass grant is loud, a retried one as much as the first.
      ...(record.breakGlass ? [{ kind: 'deliver-alert' as const }] : []),
    ],
  });
}

/** The backoff before attempt n + 1: 30 s, doubling, at most the queue's longest delay. */
export function retryAfterSeconds(attempts: number): number {
  return Math.min(MAX_JOB_DELAY_SECONDS, 30 * 2 ** (attempts - 1));
}

function attemptFailed(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'attempt-failed' }>, context: StepSettings, now: Date): NextStep {
  const attempts = grant.record.attempts + 1;
  const message = event.message.slice(0, 500);
  if (!event.retryable || attempts >= context.maxGrantAttempts) return failed(grant, message, attempts, context, now);
  const afterSeconds = retryAfterSeconds(attempts);
  const record: GrantRecord = { ...grant.record, attempts, lastError: message, updatedAt: now.toISOString() };
  // Visible on the ticket from the first failure; later ones only count.
  const note: GrantEffect[] =
    attempts === 1 && !grant.ticketDeleted
      ? [
          {
            kind: 'comment',
            visibility: 'internal',
            body: adfDoc([
              [`Granting access failed (attempt 1 of ${context.maxGrantAttempts}): ${message}`],
              [`The app retries with backoff, first in ${afterSeconds} s; nothing is granted twice.`],
            ]),
          },
          { kind: 'property' },
        ]
      : [];
  // The platform redelivers this job after the backoff; the sweep re-sends it if that is lost.
  const job = grant.job ? { deliverAt: new Date(now.getTime() + afterSeconds * 1000).toISOString(), token: grant.job.token } : ('clear' as const);
  return { steps: [], record, job, effects: [...note, { kind: 'retry-job', afterSeconds }] };
}

function failed(grant: GrantFacts, reason: string, attempts: number, context: StepSettings, now: Date): NextStep {
  const fail: StepSpec = { event: 'grant-failed', actor: 'app', note: reason, set: { attempts, lastError: reason.slice(0, 500) } };
  // The lifecycle fails a grant only once it started (or, for break-glass, straight from the request).
  const notStarted = grant.record.state === 'approved' || grant.record.state === 'scheduled';
  const steps: StepSpec[] = notStarted ? [{ event: 'grant-started', actor: 'app' }, fail] : [fail];
  return withSteps(grant, steps, now, { job: 'clear', effects: ticketWrites(grant, [{ transition: context.settings.transitions.markFailed }], { public: true }) });
}

/**
 * The sweep: ticket writes still owed come first; then a break-glass alert still owed, whatever the state,
 * a revocation that could not reach the connector, and a grant job past its grace, each due whatever else
 * is, so none waits for Jira. Only with no ticket write owed (the grant may be due for those alone): a
 * newly reachable grant job, the end of access or the warning before it. A grant with nothing left is
 * written again to leave the index.
 */
function due(grant: GrantFacts, now: Date): NextStep {
  const alert: GrantEffect[] = grant.alertOwed ? [{ kind: 'deliver-alert' }] : [];
  const revocation: GrantEffect[] = grant.revokeRequested ? [{ kind: 'revoke-access', ...grant.revokeRequested }] : [];
  if (grant.ticketWritesOwed) {
    const lost = !grant.revokeRequested && RESENT.has(grant.record.state) && grant.job !== undefined && now.getTime() >= Date.parse(grant.job.deliverAt) + JOB_GRACE_MS;
    const resend: Partial<NextStep> = lost ? { job: { deliverAt: now.toISOString() } } : {};
    return { ...nothing(grant), ...resend, effects: [{ kind: 'replay-ticket-writes' }, ...alert, ...revocation, ...(lost ? [{ kind: 'queue-job' as const }] : [])] };
  }
  const then = (rest: Partial<NextStep>): NextStep => ({ ...nothing(grant), ...rest, effects: [...alert, ...(rest.effects ?? [])] });
  const { record } = grant;
  if (grant.revokeRequested) return then({ effects: revocation });
  switch (record.state) {
    case 'requested':
    case 'approved':
    case 'granting':
      return then({ job: { deliverAt: now.toISOString() }, effects: [{ kind: 'queue-job' }] });
    case 'scheduled': {
      const opens = Date.parse(record.window?.notBefore ?? now.toISOString());
      const delay = Math.max(0, Math.min(MAX_JOB_DELAY_SECONDS * 1000, opens - now.getTime()));
      return then({ job: { deliverAt: new Date(now.getTime() + delay).toISOString() }, effects: [{ kind: 'queue-job' }] });
    }
    case 'active': {
      const end = Date.parse(record.window?.notAfter ?? '');
      if (now.getTime() >= end) return then({ effects: [{ kind: 'confirm-end' }] });
      // Due for another reason (an alert still owed, say) is not yet time to warn.
      if (!grant.warnAt || now.getTime() < Date.parse(grant.warnAt)) return then({});
      const minutes = Math.round((end - now.getTime()) / 60_000);
      const warning = adfDoc([
        [`Access to ${record.target} ends in about ${describeDuration(minutes * 60_000)}, at ${readableTime(new Date(end))}. Ask for an extension in the access panel if you still need it.`],
      ]);
      return then({ warnAt: { at: undefined }, effects: grant.ticketDeleted ? [] : [{ kind: 'comment', visibility: 'public', body: warning }] });
    }
    default:
      return then({ effects: grant.alertOwed ? [] : [{ kind: 'refile' }] });
  }
}

/**
 * A person moved the ticket, as `statusAction` reads it: count the approvals, record a decline or a
 * cancellation, end access (at the connector first when the grant may hold any there), or put the ticket
 * back where the grant really is and say why.
 */
function statusChanged(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'status-changed' }>, settings: Settings, now: Date): NextStep {
  const action = statusAction(grant.record.state, event.status, settings.statuses);
  switch (action.kind) {
    case 'none':
      return nothing(grant);
    case 'check-approval':
      return { ...nothing(grant), effects: [{ kind: 'check-approval' }] };
    case 'record':
      return withSteps(grant, [{ event: action.event, actor: event.actor, note: action.note }], now, { job: 'keep', effects: ticketWrites(grant, [], { public: true }) });
    case 'end-access':
      return revoke(grant, { by: event.actor, reason: action.note, event: action.event, moves: [] }, now);
    case 'put-back':
      if (grant.ticketDeleted) return nothing(grant);
      return {
        ...nothing(grant),
        effects: [
          { kind: 'move', move: { toStatus: action.toStatus } },
          { kind: 'comment', visibility: 'internal', body: adfDoc([[`Moved back to ${action.toStatus}: ${action.note}.`]]) },
        ],
      };
  }
}

/**
 * Ending access: a grant with an id may hold access at the connector, so it is revoked there before
 * anything says access ended (an id the connector never saw is tombstoned, so a late grant cannot make it);
 * a grant without one holds nothing, and the end is recorded at once.
 */
function revoke(grant: GrantFacts, request: { by: string; reason: string; event: 'revoked' | 'expired'; moves: TicketMove[] }, now: Date): NextStep {
  if (grant.record.grantId !== undefined) return { ...nothing(grant), effects: [{ kind: 'revoke-access', ...request }] };
  return withSteps(grant, [{ event: request.event, actor: request.by, note: request.reason }], now, { job: 'keep', effects: ticketWrites(grant, request.moves, { public: true }) });
}

/** Access ended (at the connector, or with nothing held there): recorded and said, and no revocation is left to retry. */
function ended(grant: GrantFacts, how: 'revoked' | 'expired', actor: string, note: string, moves: readonly TicketMove[], now: Date): NextStep {
  return withSteps(grant, [{ event: how, actor, note }], now, { job: 'keep', revokeRequested: { to: undefined }, effects: ticketWrites(grant, moves, { public: true }) });
}

/** The connector could not be reached: the revocation is kept for the sweep (once) and the ticket says so; access never reads as ended before it is. */
function revokeDeferred(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'revoke-deferred' }>, now: Date): NextStep {
  if (grant.revokeRequested) return nothing(grant);
  const line = `Revocation asked for (${event.reason}) could not reach the connector (${event.code}); it is retried every five minutes until it succeeds.`;
  return {
    ...nothing(grant),
    revokeRequested: { to: { at: now.toISOString(), by: event.by, reason: event.reason, event: event.event } },
    effects: notes(grant, [['internal', [line]]]),
  };
}

/**
 * A stuck grant gets a new job (the connector is idempotent by the grant id it already has). A failed one
 * goes back to a grant in progress by the retry transition first, so a workflow without it refuses the
 * retry before anything changed; it then records `grant-retried` under the next grant id with fresh
 * attempts (the old id is never reused: the connector may hold it half-made or tombstoned).
 */
function retry(grant: GrantFacts, by: string, settings: Settings, now: Date): NextStep {
  const { record } = grant;
  if (!isRetryable(record)) return refused(grant, `A grant that is ${record.state} cannot be retried.`);
  const job = { deliverAt: now.toISOString() };
  if (record.state !== 'failed') return { ...nothing(grant), job, effects: [{ kind: 'queue-job' }] };
  const note = `after ${record.attempts} failed ${record.attempts === 1 ? 'attempt' : 'attempts'}${record.lastError ? `: ${record.lastError}` : ''}`;
  return withSteps(grant, [{ event: 'grant-retried', actor: by, note }], now, {
    job,
    effects: [{ kind: 'move-first', move: { transition: settings.transitions.retry } }, ...ticketWrites(grant, [], { public: true }), { kind: 'queue-job' }],
  });
}

/** The password is shown once, to active access; the record notes when (never the password), and so does the property. */
function reveal(grant: GrantFacts, now: Date): NextStep {
  const { record } = grant;
  if (record.state !== 'active' || !record.username || !record.connect || !record.window) return refused(grant, 'Access is not active.');
  return { ...nothing(grant), record: markCredentialRevealed(record, now), effects: grant.ticketDeleted ? [] : [{ kind: 'property' }] };
}

/**
 * An extension is a new policy decision, never silent: the policy auto-approves it, sends it to approvers,
 * or denies it. Access that is still valid is never shortened or dropped: a refusal leaves the window as it is.
 */
function extensionAsked(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'extension-asked' }>, settings: Settings, now: Date): NextStep {
  const { record } = grant;
  const window = record.window;
  if (record.state !== 'active' || !window) return refused(grant, NOT_ACTIVE);
  const { extendBy } = event;
  const total = Date.parse(window.notAfter) + parseDuration(extendBy) - Date.parse(window.notBefore);
  const decision = decide(
    {
      target: record.target,
      accessLevel: record.accessLevel,
      requester: { accountId: record.requester.accountId, groups: [...event.requesterGroups] },
      duration: formatDuration(Math.floor(total / 1000) * 1000),
      breakGlass: record.breakGlass,
      ...(grant.change ? { change: grant.change } : {}),
    },
    settings,
    now,
  );
  if (decision.outcome.type === 'auto-approve') return extend(grant, extendBy, settings, { actor: 'app', rule: decision.rule, reasons: decision.reasons });
  const reasons = decision.reasons.map((reason) => `• ${reason}`);
  if (decision.outcome.type === 'approval') {
    const group = decision.outcome.group;
    const groupName = groupNameOf(group, settings);
    const told = `Your extension by ${spoken(extendBy)} needs approval by ${groupName}. Access stays as it is until then; you will be told here when it is decided.`;
    return {
      ...nothing(grant),
      pendingExtension: { to: { extendBy, at: now.toISOString(), group } },
      effects: notes(grant, [
        ['internal', [`Extension by ${spoken(extendBy)} asked; rule ${decision.rule.name} sends it to ${groupName}.`, ...reasons]],
        ['public', [told]],
      ]),
      reply: { outcome: 'needs-approval', reasons: decision.reasons, message: told },
    };
  }
  const told = [`Your extension by ${spoken(extendBy)} was denied. ${requesterReason(decision.rule, decision.reasons, settings)}`, stillEnds(window.notAfter)];
  return {
    ...nothing(grant),
    effects: notes(grant, [
      ['internal', [`Extension by ${spoken(extendBy)} asked; rule ${decision.rule.name} denies it.`, ...reasons]],
      ['public', told],
    ]),
    reply: { outcome: 'denied', notAfter: window.notAfter, reasons: decision.reasons, message: told.join(' ') },
  };
}

/** Only a member of the group it waits for answers an extension, and never the requester. */
function extensionAnswered(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'extension-answered' }>, settings: Settings): NextStep {
  const { record } = grant;
  const pending = grant.pendingExtension;
  if (record.state !== 'active' || !record.window) return refused(grant, NOT_ACTIVE);
  if (!pending) return refused(grant, 'No extension is waiting for approval.');
  if (!event.approverGroups.includes(pending.group)) return { ...nothing(grant), forbidden: `Only a member of ${groupNameOf(pending.group, settings)} answers this extension.` };
  if (event.by === record.requester.accountId) {
    return {
      ...nothing(grant),
      effects: notes(grant, [['internal', [`Extension approval by ${event.by} refused: a requester never approves their own access.`]]]),
      forbidden: 'A requester never approves their own access.',
    };
  }
  if (event.decision === 'approve') return extend(grant, pending.extendBy, settings, { actor: event.by, approver: event.by, reasons: [`approved by ${event.by}`] });
  return {
    ...nothing(grant),
    pendingExtension: { to: undefined },
    effects: notes(grant, [['public', [`Your extension by ${spoken(pending.extendBy)} was declined. ${stillEnds(record.window.notAfter)}`]]]),
    reply: { outcome: 'declined', reasons: [`declined by ${event.by}`], message: `Declined. Access still ends at ${readableTime(record.window.notAfter)}.` },
  };
}

/** An extension approved: the new end within the access level's caps, asked of the connector first; at the cap already, the requester is told. */
function extend(grant: GrantFacts, extendBy: string, settings: Settings, by: Pick<Extension, 'actor' | 'rule' | 'approver' | 'reasons'>): NextStep {
  const { record } = grant;
  const level = settings.accessLevels.find((candidate) => candidate.id === record.accessLevel);
  const window = record.window;
  if (!level || !window) return refused(grant, 'The access level of this grant no longer exists.');
  const planned = plannedWindowOf(grant.change);
  const result = computeExtension({ window: { notBefore: new Date(window.notBefore), notAfter: new Date(window.notAfter) }, accessLevel: level, extendBy, ...(planned ? { plannedWindow: planned } : {}) });
  if (!result.ok) {
    const told = `Your extension by ${spoken(extendBy)} could not be granted. ${result.reason} ${stillEnds(window.notAfter)}`;
    return {
      ...nothing(grant),
      effects: notes(grant, [['public', [told]]]),
      reply: { outcome: 'denied', notAfter: window.notAfter, reasons: [result.reason], message: told },
    };
  }
  const notAfter = result.notAfter.toISOString();
  return {
    ...nothing(grant),
    effects: [{ kind: 'extend-access', notAfter, ...by, note: result.explanation }],
    reply: { outcome: 'extended', notAfter, reasons: [...by.reasons, result.explanation], message: `Extended. ${result.explanation}` },
  };
}

/** The connector moved the end: `extended` is recorded with the new window and warning, and the extension waiting (if any) is done. */
function accessExtended(grant: GrantFacts, event: Extract<GrantEvent, { kind: 'access-extended' }>, context: StepSettings, now: Date): NextStep {
  const { record } = grant;
  if (record.state !== 'active' || !record.window) return refused(grant, NOT_ACTIVE);
  const window = { notBefore: record.window.notBefore, notAfter: event.notAfter };
  const step: StepSpec = {
    event: 'extended',
    actor: event.actor,
    ...(event.rule ? { rule: event.rule } : {}),
    ...(event.approver ? { approvers: [event.approver] } : {}),
    note: event.note,
    reasons: event.reasons,
    set: { window },
  };
  return withSteps(grant, [step], now, {
    job: 'keep',
    warnAt: { at: warnAtOf(window, context.warnBeforeMinutes) },
    pendingExtension: { to: undefined },
    effects: ticketWrites(grant, [], { public: true }),
  });
}

const NOT_ACTIVE = 'Only active access can be extended.';

const groupNameOf = (group: string, settings: Settings): string => settings.approverGroups.find((candidate) => candidate.id === group)?.name ?? group;

/** An ISO duration as the requester reads it: PT1H → 1 hour. */
const spoken = (duration: string): string => describeDuration(parseDuration(duration));

const stillEnds = (notAfter: string): string => `Access still ends at ${readableTime(notAfter)}; raise a new request before then if you need more time.`;

/** Comments of their own, a paragraph a line; none for a deleted ticket. */
function notes(grant: GrantFacts, comments: ReadonlyArray<['internal' | 'public', readonly string[]]>): GrantEffect[] {
  if (grant.ticketDeleted) return [];
  return comments.map(([visibility, lines]) => ({ kind: 'comment', visibility, body: adfDoc(lines.map((line) => [line])) }));
}

/** The ticket writes of steps: the moves, the steps' comments, the property (unless the next steps write it); none for a deleted ticket. */
function ticketWrites(grant: GrantFacts, moves: readonly TicketMove[], comments: { public: boolean; publicExtra?: AdfDoc; defer?: true }, property = true): GrantEffect[] {
  if (grant.ticketDeleted) return [];
  return [...moves.map((move): GrantEffect => ({ kind: 'move', move })), { kind: 'step-comments', ...comments }, ...(property ? [{ kind: 'property' as const }] : [])];
}

/** When to warn before the end: `warnBeforeMinutes` before it, for grants at least twice that long. */
export function warnAtOf(window: { notBefore: string; notAfter: string }, warnBeforeMinutes: number): string | undefined {
  const start = Date.parse(window.notBefore);
  const end = Date.parse(window.notAfter);
  const lead = warnBeforeMinutes * 60_000;
  return end - start >= 2 * lead ? new Date(end - lead).toISOString() : undefined;
}
