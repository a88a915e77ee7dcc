import { adfToText, nextStep, readableTime, recordTransition, retryAfterSeconds, type GrantEvent, type GrantFacts, type GrantRecord, type NextStep } from '../../src/core';
import { settingsWithTargets } from './fixtures';
import { T0, activeRecord, failedRecord, minutes, requested } from './records';

const context = { settings: settingsWithTargets(), warnBeforeMinutes: 15, maxGrantAttempts: 3 };
const TOKEN = 'job-1';

function approved(): GrantRecord {
  const waiting = recordTransition(requested(), { event: 'policy-needs-approval', at: T0, actor: 'app', set: { approval: { group: 'dba-leads', count: 1 } } });
  return recordTransition(waiting, { event: 'approval-approved', at: minutes(1), actor: 'acc-lead', approvers: ['acc-lead'] });
}
const granting = (): GrantRecord => recordTransition(approved(), { event: 'grant-started', at: minutes(2), actor: 'app' });
const scheduled = (opensAt: Date): GrantRecord =>
  recordTransition(approved(), { event: 'window-not-open', at: minutes(2), actor: 'app', set: { window: { notBefore: opensAt.toISOString(), notAfter: new Date(opensAt.getTime() + 7_200_000).toISOString() } } });

function facts(record: GrantRecord, more: Partial<GrantFacts> = {}): GrantFacts {
  return { record, job: { token: TOKEN, deliverAt: minutes(2).toISOString() }, reasons: [], alertOwed: false, ticketWritesOwed: false, ticketDeleted: false, ...more };
}

/** A decision in one line: steps -> state | job | effects. */
function summary(next: NextStep): string {
  const job = next.job === 'keep' || next.job === 'clear' ? next.job : `${next.job.token ?? 'new'}@${next.job.deliverAt.slice(11, 19)}`;
  const effects = next.effects.map((effect) => {
    switch (effect.kind) {
      case 'move':
        return `move(${'transition' in effect.move ? effect.move.transition : effect.move.toStatus})`;
      case 'comment':
        return `${effect.visibility}-note`;
      case 'step-comments':
        return effect.public ? 'comments' : effect.defer ? 'audit' : 'audit-now';
      case 'move-first':
        return `first(${'transition' in effect.move ? effect.move.transition : effect.move.toStatus})`;
      case 'revoke-access':
        return `revoke(${effect.event}${effect.moves?.length ? `, ${effect.moves.map((move) => ('transition' in move ? move.transition : move.toStatus)).join(', ')}` : ''})`;
      case 'retry-job':
        return `retry(${effect.afterSeconds})`;
      case 'create-access':
        return `create(${effect.notBefore.slice(11, 16)}-${effect.notAfter.slice(11, 16)})`;
      case 'extend-access':
        return `extend(to ${effect.notAfter.slice(11, 16)}, by ${effect.actor})`;
      default:
        return effect.kind;
    }
  });
  if (next.refused !== undefined) return `refused: ${next.refused}`;
  const revoking = next.revokeRequested ? ` | revocation ${next.revokeRequested.to ? `kept for the sweep (${next.revokeRequested.to.event} by ${next.revokeRequested.to.by})` : 'done'}` : '';
  if (next.forbidden !== undefined) return `forbidden: ${next.forbidden} | ${effects.join(', ') || '-'}`;
  const pending = next.pendingExtension ? ` | pending ${next.pendingExtension.to ? `${next.pendingExtension.to.extendBy} for ${next.pendingExtension.to.group}` : 'cleared'}` : '';
  const reply = next.reply ? ` => ${next.reply.outcome}` : '';
  return `${next.steps.map((step) => step.event).join('+') || '-'} -> ${next.record.state} | ${job} | ${effects.join(', ') || '-'}${revoking}${pending}${reply}`;
}

const created: GrantEvent = {
  kind: 'access-created',
  notBefore: minutes(3).toISOString(),
  notAfter: minutes(123).toISOString(),
  username: 'jit_ana_1',
  connect: { host: 'orders.db.internal', port: 5432, database: 'orders' },
};
const unreachable = (message = 'connector_unavailable: down'): GrantEvent => ({ kind: 'attempt-failed', message, retryable: true });
const ended = activeRecord();
const pastEnd = new Date(Date.parse(ended.window?.notAfter ?? '') + 60_000);

const waiting = (): GrantRecord => recordTransition(requested(), { event: 'policy-needs-approval', at: T0, actor: 'app', set: { approval: { group: 'dba-leads', count: 1 } } });
const approval = (): GrantEvent => ({ kind: 'approved', steps: [{ event: 'approval-approved', actor: 'acc-lead', approvers: ['acc-lead'] }], moves: [] });
const byPolicy: GrantEvent = { kind: 'approved', steps: [{ event: 'policy-approved', actor: 'app' }], moves: [{ transition: 'Approved by policy' }] };

const moved = (status: string, actor = 'acc-agent'): GrantEvent => ({ kind: 'status-changed', status, actor });
const breakGlassStarted = (): GrantRecord => ({ ...requested({ breakGlass: true }), grantId: 'SD-123.1' });

const onDev = (level = 'read-only'): GrantRecord => ({ ...activeRecord(), target: 'orders-dev', accessLevel: level });
const atCap = (): GrantRecord => {
  const record = onDev();
  return { ...record, window: { notBefore: minutes(10).toISOString(), notAfter: minutes(490).toISOString() } };
};
const asked = (extendBy = 'PT1H'): GrantEvent => ({ kind: 'extension-asked', extendBy, requesterGroups: [] });
const pendingHour = { extendBy: 'PT1H', at: minutes(20).toISOString(), group: 'dba-leads' };
const answered = (decision: 'approve' | 'decline', by = 'acc-lead', approverGroups = ['dba-leads']): GrantEvent => ({ kind: 'extension-answered', by, approverGroups, decision });
const extendedByLead: GrantEvent = { kind: 'access-extended', notAfter: minutes(190).toISOString(), actor: 'acc-lead', approver: 'acc-lead', note: 'Access now ends at 12:10, 1 hour later.', reasons: ['approved by acc-lead'] };

const TABLE: ReadonlyArray<[string, GrantFacts, GrantEvent, Date, string]> = [
  // Approved: on to access.
  ['approved by policy, window open now: the job at once, the audit waits for the grant', facts(requested(), { job: undefined }), byPolicy, minutes(3), 'policy-approved -> approved | new@09:03:00 | move(Approved by policy), audit, queue-job'],
  [
    'approved by the approvers for a start in ten minutes: told when, the job delayed',
    facts(waiting(), { job: undefined, requestedStart: minutes(13).toISOString() }),
    approval(),
    minutes(3),
    'approval-approved+window-not-open -> scheduled | new@09:13:00 | comments, property, queue-job',
  ],
  ['approved for a start beyond the queue\'s reach: left to the sweep', facts(waiting(), { job: undefined, requestedStart: minutes(60).toISOString() }), approval(), minutes(3), 'approval-approved+window-not-open -> scheduled | clear | comments, property'],
  // The grant job.
  ['a job carrying another token is a stale duplicate', facts(approved()), { kind: 'job-delivered', token: 'old' }, minutes(3), '- -> approved | keep | -'],
  ['an approved grant starts and asks the connector', facts(approved()), { kind: 'job-delivered', token: TOKEN }, minutes(3), 'grant-started -> granting | job-1@09:03:00 | create(09:03-11:03)'],
  ['a redelivered job of a grant in progress asks again (idempotent)', facts(granting()), { kind: 'job-delivered', token: TOKEN }, minutes(3), '- -> granting | keep | create(09:03-11:03)'],
  ['a job that came early is sent again for the opening', facts(scheduled(minutes(13)), { requestedStart: minutes(13).toISOString() }), { kind: 'job-delivered', token: TOKEN }, minutes(3), '- -> scheduled | job-1@09:13:00 | queue-job'],
  ['a job far too early waits for the sweep', facts(scheduled(minutes(60)), { requestedStart: minutes(60).toISOString() }), { kind: 'job-delivered', token: TOKEN }, minutes(3), '- -> scheduled | keep | -'],
  ['a break-glass request grants straight from the request', facts(requested({ breakGlass: true })), { kind: 'job-delivered', token: TOKEN }, minutes(3), '- -> requested | keep | create(09:03-11:03)'],
  ['a request waiting for approval is never granted by a job', facts(requested()), { kind: 'job-delivered', token: TOKEN }, minutes(3), '- -> requested | keep | -'],
  ['a revocation asked for stops the job', facts(approved(), { revokeRequested: { by: 'acc-ana', reason: 'done', event: 'revoked' } }), { kind: 'job-delivered', token: TOKEN }, minutes(3), '- -> approved | keep | -'],
  [
    'an access level gone from the settings fails the grant',
    facts({ ...approved(), accessLevel: 'gone' }),
    { kind: 'job-delivered', token: TOKEN },
    minutes(3),
    'grant-started+grant-failed -> failed | clear | move(Access failed), comments, property',
  ],
  // The connector's answer.
  ['access created: granted, the ticket moved and told, the warning set', facts(granting()), created, minutes(3), 'grant-succeeded -> active | clear | move(Access granted), comments, property'],
  [
    'break-glass access created: approved and granted, and the alert owed',
    facts(requested({ breakGlass: true })),
    created,
    minutes(3),
    'break-glass -> active | clear | move(Approved by policy), move(Access granted), comments, property, deliver-alert',
  ],
  ['a deleted ticket gets no writes', facts(granting(), { ticketDeleted: true }), created, minutes(3), 'grant-succeeded -> active | clear | -'],
  // The connector's failure.
  ['the first failure is retried and said on the ticket', facts(granting()), unreachable(), minutes(3), '- -> granting | job-1@09:03:30 | internal-note, property, retry(30)'],
  ['a later failure is only counted', facts({ ...granting(), attempts: 1 }), unreachable(), minutes(3), '- -> granting | job-1@09:04:00 | retry(60)'],
  ['retries run out: the grant fails', facts({ ...granting(), attempts: 2 }), unreachable(), minutes(3), 'grant-failed -> failed | clear | move(Access failed), comments, property'],
  ['a failure the connector will not recover from fails at once', facts(granting()), { kind: 'attempt-failed', message: 'bad_request: no role', retryable: false }, minutes(3), 'grant-failed -> failed | clear | move(Access failed), comments, property'],
  // The connector's answer to a revocation, and the end it reports.
  ['revoked at the connector: recorded, the ticket moved and told', facts(ended), { kind: 'revoked-at-connector', by: 'acc-ana', reason: 'done', event: 'revoked', moves: [{ transition: 'Revoke access' }] }, minutes(20), 'revoked -> revoked | keep | move(Revoke access), comments, property | revocation done'],
  ['marked expired and ended at the connector: recorded, the ticket already says so', facts(ended, { revokeRequested: { by: 'acc-agent', reason: 'marked expired', event: 'expired' } }), { kind: 'revoked-at-connector', by: 'acc-agent', reason: 'marked expired', event: 'expired', moves: [] }, minutes(20), 'expired -> expired | keep | comments, property | revocation done'],
  ['a revocation that cannot reach the connector is kept for the sweep and said', facts(ended), { kind: 'revoke-deferred', by: 'acc-ana', reason: 'done', event: 'revoked', code: 'connector_unavailable' }, minutes(20), '- -> active | keep | internal-note | revocation kept for the sweep (revoked by acc-ana)'],
  ['a revocation already kept for the sweep is not said again', facts(ended, { revokeRequested: { by: 'acc-ana', reason: 'done', event: 'revoked' } }), { kind: 'revoke-deferred', by: 'acc-ana', reason: 'done', event: 'revoked', code: 'connector_unavailable' }, minutes(25), '- -> active | keep | -'],
  ['the connector reports access expired: recorded, the ticket moved', facts(ended), { kind: 'access-ended', how: 'expired', actor: 'connector', note: 'the connector reports the grant expired (window closed)' }, pastEnd, 'expired -> expired | keep | move(Access expired), comments, property | revocation done'],
  ['the connector reports access revoked: recorded, the ticket moved', facts(ended), { kind: 'access-ended', how: 'revoked', actor: 'sweep', note: 'the sweep found the grant revoked at the connector' }, minutes(20), 'revoked -> revoked | keep | move(Revoke access), comments, property | revocation done'],
  ['an end reported for a deleted ticket is only stored', facts(ended, { ticketDeleted: true }), { kind: 'access-ended', how: 'expired', actor: 'connector', note: 'window closed' }, pastEnd, 'expired -> expired | keep | - | revocation done'],
  // An extension asked for: a new policy decision.
  ['an extension the policy sends to approvers: noted, the requester told, the window as it was', facts(ended), asked(), minutes(20), '- -> active | keep | internal-note, public-note | pending PT1H for dba-leads => needs-approval'],
  ['an extension the policy auto-approves is made at the connector first', facts(onDev()), asked(), minutes(20), '- -> active | keep | extend(to 12:10, by app) => extended'],
  ['an extension past the access level\'s maximum is capped there', facts(onDev()), asked('PT10H'), minutes(20), '- -> active | keep | extend(to 17:10, by app) => extended'],
  ['an extension no rule allows is denied, the window as it was', facts(onDev('maintenance')), asked(), minutes(20), '- -> active | keep | internal-note, public-note => denied'],
  ['an extension of access already at its maximum is denied', facts(atCap()), asked(), minutes(20), '- -> active | keep | public-note => denied'],
  ['an extension to a deleted ticket waits for approval without notes', facts(ended, { ticketDeleted: true }), asked(), minutes(20), '- -> active | keep | - | pending PT1H for dba-leads => needs-approval'],
  ['only active access is extended', facts(granting()), asked(), minutes(20), 'refused: Only active access can be extended.'],
  // An extension answered by an approver.
  ['an approver of the group approves: made at the connector first', facts(ended, { pendingExtension: pendingHour }), answered('approve'), minutes(30), '- -> active | keep | extend(to 12:10, by acc-lead) => extended'],
  ['an approver declines: the extension is dropped, the requester told', facts(ended, { pendingExtension: pendingHour }), answered('decline'), minutes(30), '- -> active | keep | public-note | pending cleared => declined'],
  ['an approver of another group may not answer', facts(ended, { pendingExtension: pendingHour }), answered('approve', 'acc-other', ['other-group']), minutes(30), 'forbidden: Only a member of DBA leads answers this extension. | -'],
  ['the requester never approves their own extension, and the attempt is noted', facts(ended, { pendingExtension: pendingHour }), answered('approve', 'acc-ana'), minutes(30), 'forbidden: A requester never approves their own access. | internal-note'],
  ['an answer with no extension waiting is refused', facts(ended), answered('approve'), minutes(30), 'refused: No extension is waiting for approval.'],
  // The connector moved the end.
  ['the extension made: recorded with the new window, the requester told, nothing left waiting', facts(ended, { pendingExtension: pendingHour }), extendedByLead, minutes(31), 'extended -> active | keep | comments, property | pending cleared'],
  ['an extension made after access ended meanwhile is not recorded', facts(recordTransition(ended, { event: 'revoked', at: minutes(31), actor: 'acc-ana' })), extendedByLead, minutes(31), 'refused: Only active access can be extended.'],
  // The sweep.
  ['owed ticket writes come first, and hold back what may not be due yet', facts(ended, { ticketWritesOwed: true }), { kind: 'due' }, pastEnd, '- -> active | keep | replay-ticket-writes'],
  ['an alert still owed does not wait for owed ticket writes', facts(ended, { ticketWritesOwed: true, alertOwed: true }), { kind: 'due' }, pastEnd, '- -> active | keep | replay-ticket-writes, deliver-alert'],
  ['nor does a grant job past its grace: it is sent again', facts(approved(), { ticketWritesOwed: true }), { kind: 'due' }, minutes(12), '- -> approved | new@09:12:00 | replay-ticket-writes, queue-job'],
  ['a grant job within its grace may still act: only the writes', facts(approved(), { ticketWritesOwed: true }), { kind: 'due' }, minutes(11), '- -> approved | keep | replay-ticket-writes'],
  ['nor does a revocation that could not reach the connector', facts(ended, { ticketWritesOwed: true, revokeRequested: { by: 'acc-ana', reason: 'done', event: 'revoked' } }), { kind: 'due' }, minutes(20), '- -> active | keep | replay-ticket-writes, revoke(revoked)'],
  ['a lost job is sent again', facts(approved()), { kind: 'due' }, minutes(20), '- -> approved | new@09:20:00 | queue-job'],
  ['a window coming within reach gets its job', facts(scheduled(minutes(30)), { job: undefined }), { kind: 'due' }, minutes(20), '- -> scheduled | new@09:30:00 | queue-job'],
  ['a revocation that could not reach the connector is retried', facts(ended, { revokeRequested: { by: 'acc-ana', reason: 'done', event: 'revoked' } }), { kind: 'due' }, minutes(20), '- -> active | keep | revoke(revoked)'],
  ['the warning before the end', facts(ended, { warnAt: minutes(115).toISOString() }), { kind: 'due' }, minutes(116), '- -> active | keep | public-note'],
  ['due before the warning: nothing yet', facts(ended, { warnAt: minutes(115).toISOString() }), { kind: 'due' }, minutes(100), '- -> active | keep | -'],
  ['past the end: confirm at the connector', facts(ended), { kind: 'due' }, pastEnd, '- -> active | keep | confirm-end'],
  ['an alert still owed goes first, whatever the state', facts(ended, { alertOwed: true }), { kind: 'due' }, pastEnd, '- -> active | keep | deliver-alert, confirm-end'],
  ['a final grant with nothing owed leaves the index', facts(failedRecord(), { job: undefined }), { kind: 'due' }, minutes(20), '- -> failed | keep | refile'],
  // A person moved the ticket (statusAction's reading; its whole table is test/core/status-action.test.ts).
  ['the status already says what the grant is', facts(ended), moved('Access granted'), minutes(20), '- -> active | keep | -'],
  ["JSM's approval step: count the approvals", facts(waiting(), { job: undefined }), moved('Approved', 'acc-lead'), minutes(3), '- -> awaiting-approval | keep | check-approval'],
  ['declined before approval: recorded and said', facts(waiting(), { job: undefined }), moved('Declined'), minutes(3), 'approval-declined -> declined | keep | comments, property'],
  ['resolved before approval: recorded as revoked, nothing at the connector', facts(waiting(), { job: undefined }), moved('Resolved'), minutes(3), 'revoked -> revoked | keep | comments, property'],
  ['resolved while active: revoked at the connector first, the ticket already says so', facts(ended), moved('Resolved'), minutes(20), '- -> active | keep | revoke(revoked)'],
  ['marked expired while active: expired at the connector first', facts(ended), moved('Access expired'), minutes(20), '- -> active | keep | revoke(expired)'],
  ['resolved while approved, before a grant id: recorded at once', facts(approved()), moved('Resolved'), minutes(3), 'revoked -> revoked | keep | comments, property'],
  ['resolved while granting: revoked (tombstoned) at the connector', facts(granting()), moved('Done'), minutes(3), '- -> granting | keep | revoke(revoked)'],
  ['a break-glass request that started: revoked at the connector', facts(breakGlassStarted()), moved('Canceled'), minutes(3), '- -> requested | keep | revoke(revoked)'],
  ['access granted claimed before approval: put back, with why', facts(waiting(), { job: undefined }), moved('Access granted'), minutes(3), '- -> awaiting-approval | keep | move(Waiting for approval), internal-note'],
  ['a deleted ticket is not put back', facts(waiting(), { job: undefined, ticketDeleted: true }), moved('Access granted'), minutes(3), '- -> awaiting-approval | keep | -'],
  // The panel: revoke.
  ['revoke with nothing granted yet: cancel instead', facts(waiting(), { job: undefined }), { kind: 'revoke', by: 'acc-ana', reason: 'done' }, minutes(3), 'refused: Nothing was granted yet: cancel the request instead.'],
  ['revoke active access: at the connector first, then the ticket moves', facts(ended), { kind: 'revoke', by: 'acc-ana', reason: 'done' }, minutes(20), '- -> active | keep | revoke(revoked, Revoke access)'],
  ['revoke a scheduled grant: nothing at the connector, recorded at once', facts(scheduled(minutes(60))), { kind: 'revoke', by: 'acc-ana', reason: 'done' }, minutes(3), 'revoked -> revoked | keep | move(Revoke access), comments, property'],
  // The panel: cancel.
  ['cancel a request waiting for approval', facts(waiting(), { job: undefined }), { kind: 'cancel', by: 'acc-ana' }, minutes(3), 'revoked -> revoked | keep | move(Cancel request), comments, property'],
  ['cancel after approval: refused', facts(approved()), { kind: 'cancel', by: 'acc-ana' }, minutes(3), 'refused: Only a request still waiting for approval can be cancelled.'],
  // The panel: retry.
  ['retry a stuck grant: a new job, the same grant id', facts(granting()), { kind: 'retry', by: 'acc-admin' }, minutes(20), '- -> granting | new@09:20:00 | queue-job'],
  [
    'retry a failed grant: the retry transition first, then a new grant id and a job',
    facts(failedRecord(), { job: undefined }),
    { kind: 'retry', by: 'acc-admin' },
    minutes(40),
    'grant-retried -> granting | new@09:40:00 | first(Retry access), comments, property, queue-job',
  ],
  ['retry active access: refused', facts(ended), { kind: 'retry', by: 'acc-admin' }, minutes(20), 'refused: A grant that is active cannot be retried.'],
  ['retry a request waiting for approval: refused', facts(waiting()), { kind: 'retry', by: 'acc-admin' }, minutes(3), 'refused: A grant that is awaiting-approval cannot be retried.'],
  // The panel: reveal.
  ['reveal active access: the record notes it, the property says so', facts(ended), { kind: 'reveal' }, minutes(20), '- -> active | keep | property'],
  ['reveal before access: refused', facts(granting()), { kind: 'reveal' }, minutes(3), 'refused: Access is not active.'],
];

describe('nextStep: what a grant does next, for every event', () => {
  it.each(TABLE)('%s', (_name, grant, event, now, expected) => {
    expect(summary(nextStep(grant, event, context, now))).toBe(expected);
  });

  it('records the granted access on the record, with the warning 15 minutes before the end', () => {
    const next = nextStep(facts(granting()), created, context, minutes(3));
    expect(next.record).toMatchObject({ state: 'active', username: 'jit_ana_1', attempts: 1, window: { notBefore: minutes(3).toISOString(), notAfter: minutes(123).toISOString() } });
    expect(next.warnAt).toEqual({ at: minutes(108).toISOString() });
  });

  it('warns the requester before the end in readable words: how long, the end with its zone, what to do', () => {
    const next = nextStep(facts(ended, { warnAt: minutes(115).toISOString() }), { kind: 'due' }, context, minutes(116));
    const [warning] = next.effects.flatMap((effect) => (effect.kind === 'comment' && effect.visibility === 'public' ? [adfToText(effect.body)] : []));
    expect(warning).toBe(`Access to orders-prod ends in about 14 minutes, at ${readableTime(new Date(Date.parse(ended.window!.notAfter)))}. Ask for an extension in the access panel if you still need it.`);
    expect(warning).toMatch(/, \d{2}:\d{2} UTC\./);
    expect(warning).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('counts a failed attempt on the record without a lifecycle step', () => {
    const next = nextStep(facts(granting()), unreachable('connector_unavailable: down'), context, minutes(3));
    expect(next.record).toMatchObject({ state: 'granting', attempts: 1, lastError: 'connector_unavailable: down' });
    expect(next.steps).toEqual([]);
  });

  it('a retried grant starts again under the next grant id with fresh attempts, the failure in its note', () => {
    const next = nextStep(facts(failedRecord(), { job: undefined }), { kind: 'retry', by: 'acc-admin' }, context, minutes(40));
    expect(next.record).toMatchObject({ state: 'granting', grantId: 'SD-123.2', attempts: 0 });
    expect(next.steps).toEqual([{ event: 'grant-retried', actor: 'acc-admin', note: 'after 5 failed attempts: unreachable: connect ECONNREFUSED' }]);
  });

  it('tells the requester of an extension in plain words: how long, who decides, when access still ends', () => {
    const texts = (next: NextStep): string[] => next.effects.flatMap((effect) => (effect.kind === 'comment' ? [`${effect.visibility}: ${adfToText(effect.body)}`] : []));
    const sent = nextStep(facts(ended), asked('PT90M'), context, minutes(20));
    expect(texts(sent)).toEqual([
      'internal: Extension by 1 hour 30 minutes asked; rule Production needs a DBA lead sends it to DBA leads.\n• the target orders-prod is in the prod environment',
      'public: Your extension by 1 hour 30 minutes needs approval by DBA leads. Access stays as it is until then; you will be told here when it is decided.',
    ]);
    const denied = nextStep(facts(onDev('maintenance')), asked(), context, minutes(20));
    expect(texts(denied)[1]).toMatch(new RegExp(`^public: Your extension by 1 hour was denied\\. .+\\nAccess still ends at ${readableTime(ended.window?.notAfter ?? '')}; raise a new request before then`));
    const atLimit = nextStep(facts(atCap()), asked(), context, minutes(20));
    expect(texts(atLimit)).toEqual([
      `public: Your extension by 1 hour could not be granted. Access already ends at the maximum of 8 hours for Read-only troubleshooting. Access still ends at ${readableTime(minutes(490))}; raise a new request before then if you need more time.`,
    ]);
    // The panel tells whoever asked what the requester's comment says, not the policy's trace.
    for (const next of [sent, denied, atLimit]) expect(`public: ${next.reply?.message ?? ''}`).toBe(texts(next).at(-1)?.replace('\n', ' '));
  });

  it('tells whoever answered or was granted an extension the outcome in sentences, with no policy trace or account id', () => {
    const granted = nextStep(facts(onDev('read-only')), asked(), context, minutes(20));
    const approved = nextStep(facts(ended, { pendingExtension: pendingHour }), answered('approve'), context, minutes(30));
    const declined = nextStep(facts(ended, { pendingExtension: pendingHour }), answered('decline'), context, minutes(30));
    expect(granted.reply?.message).toMatch(/^Extended\. Access now ends at \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC, 1 hour later\.$/);
    expect(approved.reply?.message).toBe(`Extended. Access now ends at ${readableTime(minutes(190))}, 1 hour later.`);
    expect(declined.reply?.message).toBe(`Declined. Access still ends at ${readableTime(ended.window?.notAfter ?? '')}.`);
    // The trace (lower-case clauses, the approver's account id) stays in the reasons the internal note records.
    expect(granted.reply?.reasons).toContain('the access level is Read-only troubleshooting');
    expect(approved.reply?.reasons).toContain('approved by acc-lead');
    for (const next of [granted, approved, declined]) {
      expect(next.reply?.message).not.toMatch(/\. [a-z]/);
      expect(next.reply?.message).not.toContain('acc-');
    }
  });

  it('records an extension made with its new window, and the warning moved before the new end', () => {
    const next = nextStep(facts(ended, { pendingExtension: pendingHour }), extendedByLead, context, minutes(31));
    expect(next.record.window).toEqual({ notBefore: ended.window?.notBefore, notAfter: minutes(190).toISOString() });
    expect(next.steps[0]).toMatchObject({ event: 'extended', actor: 'acc-lead', approvers: ['acc-lead'], reasons: ['approved by acc-lead'] });
    expect(next.warnAt).toEqual({ at: minutes(175).toISOString() });
  });

  it('a revealed credential is noted on the record once, and a second reveal is refused by the record', () => {
    const next = nextStep(facts(ended), { kind: 'reveal' }, context, minutes(20));
    expect(next.record.credential).toEqual({ revealedAt: minutes(20).toISOString() });
    expect(() => nextStep(facts(next.record), { kind: 'reveal' }, context, minutes(21))).toThrow('The credential was already shown once.');
  });

  it.each([
    [1, 30],
    [2, 60],
    [5, 480],
    [6, 900],
    [9, 900],
  ])('backs off %i failed attempts by %i s', (attempts, seconds) => {
    expect(retryAfterSeconds(attempts)).toBe(seconds);
  });
});
