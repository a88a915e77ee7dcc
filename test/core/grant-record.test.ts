import {
  CoreError,
  GRANT_PROPERTY_KEY,
  MAX_HISTORY,
  MAX_PROPERTY_CHARS,
  grantRecordSchema,
  markCredentialRevealed,
  parseRecord,
  recordTransition,
  serializeRecord,
  type GrantRecord,
} from '../../src/core';
import { activeRecord, failedRecord, minutes, requested, T0 } from './records';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CoreError ? error.code : 'not a CoreError';
  }
  return undefined;
}

describe('grant record', () => {
  it('starts as requested with nothing granted', () => {
    expect(GRANT_PROPERTY_KEY).toBe('jit-access');
    expect(requested()).toEqual({
      version: 1,
      ticket: 'SD-123',
      state: 'requested',
      target: 'orders-prod',
      accessLevel: 'read-only',
      role: 'read',
      requester: { accountId: 'acc-ana' },
      breakGlass: false,
      duration: 'PT2H',
      approvers: [],
      attempts: 0,
      history: [],
      historyDropped: 0,
      updatedAt: T0.toISOString(),
    });
  });

  it('records each transition: state, history, rule, approver and the fields set', () => {
    const record = activeRecord();
    expect(record).toMatchObject({
      state: 'active',
      rule: { id: 'prod-needs-dba-lead', name: 'Production needs a DBA lead' },
      approval: { group: 'dba-leads', count: 1 },
      approvers: [{ accountId: 'acc-lead', at: minutes(5).toISOString() }],
      grantId: 'SD-123.1',
      username: 'jit_ana_1',
      attempts: 1,
      window: { notBefore: minutes(10).toISOString(), notAfter: minutes(130).toISOString() },
      updatedAt: minutes(11).toISOString(),
    });
    expect(record.history.map((entry) => [entry.from, entry.event, entry.to, entry.actor])).toEqual([
      ['requested', 'policy-needs-approval', 'awaiting-approval', 'app'],
      ['awaiting-approval', 'approval-approved', 'approved', 'acc-lead'],
      ['approved', 'grant-started', 'granting', 'app'],
      ['granting', 'grant-succeeded', 'active', 'connector'],
    ]);
    expect(record.history[0]?.rule).toEqual({ id: 'prod-needs-dba-lead', name: 'Production needs a DBA lead' });
  });

  it('records every approver whose approval counted, by account id, and no note naming them', () => {
    const waiting = recordTransition(requested(), { event: 'policy-needs-approval', at: T0, actor: 'app', set: { approval: { group: 'dba-leads', count: 2 } } });
    const approved = recordTransition(waiting, { event: 'approval-approved', at: minutes(5), actor: 'acc-lead', approvers: ['acc-lead', 'acc-lead-2'] });
    expect(approved.approvers).toEqual([
      { accountId: 'acc-lead', at: minutes(5).toISOString() },
      { accountId: 'acc-lead-2', at: minutes(5).toISOString() },
    ]);
    expect(approved.history.at(-1)).toEqual({ at: minutes(5).toISOString(), from: 'awaiting-approval', to: 'approved', event: 'approval-approved', actor: 'acc-lead' });
  });

  it('does not change the record it was given', () => {
    const before = requested();
    const copy = structuredClone(before);
    recordTransition(before, { event: 'policy-approved', at: T0, actor: 'app' });
    expect(before).toEqual(copy);
  });

  it('refuses an illegal transition with illegal_transition', () => {
    expect(codeOf(() => recordTransition(requested(), { event: 'expired', at: T0, actor: 'sweep' }))).toBe('illegal_transition');
  });

  it('keeps an extension active with a later end, and refuses one that does not move the end', () => {
    const record = activeRecord();
    const later = { notBefore: record.window!.notBefore, notAfter: minutes(190).toISOString() };
    const extended = recordTransition(record, { event: 'extended', at: minutes(60), actor: 'acc-ana', set: { window: later } });
    expect(extended.state).toBe('active');
    expect(extended.window).toEqual(later);
    expect(extended.history.at(-1)).toMatchObject({ from: 'active', to: 'active', event: 'extended' });
    expect(codeOf(() => recordTransition(record, { event: 'extended', at: minutes(60), actor: 'acc-ana' }))).toBe('illegal_transition');
    const earlier = { notBefore: record.window!.notBefore, notAfter: minutes(100).toISOString() };
    expect(codeOf(() => recordTransition(record, { event: 'extended', at: minutes(60), actor: 'acc-ana', set: { window: earlier } }))).toBe(
      'illegal_transition',
    );
  });

  it('retries a failed grant under the next grant id: attempts start again, the last error goes, retries are counted', () => {
    const failed = failedRecord();
    expect(failed).toMatchObject({ state: 'failed', grantId: 'SD-123.1', attempts: 5, lastError: 'unreachable: connect ECONNREFUSED' });
    const retried = recordTransition(failed, { event: 'grant-retried', at: minutes(40), actor: 'acc-admin' });
    expect(retried).toMatchObject({ state: 'granting', grantId: 'SD-123.2', attempts: 0, retries: 1, updatedAt: minutes(40).toISOString() });
    expect(retried).not.toHaveProperty('lastError');
    expect(retried.history.at(-1)).toEqual({ at: minutes(40).toISOString(), from: 'failed', to: 'granting', event: 'grant-retried', actor: 'acc-admin' });

    const failedAgain = recordTransition(retried, { event: 'grant-failed', at: minutes(50), actor: 'app', set: { attempts: 5, lastError: 'unreachable: again' } });
    const second = recordTransition(failedAgain, { event: 'grant-retried', at: minutes(60), actor: 'acc-admin', set: { attempts: 4, lastError: 'kept?' } });
    expect(second).toMatchObject({ state: 'granting', grantId: 'SD-123.3', attempts: 0, retries: 2 });
    expect(second).not.toHaveProperty('lastError');
    expect(parseRecord(JSON.parse(serializeRecord(second)))).toEqual(second);
  });

  // Intent before action: the id exists before the connector is asked, so a crash in between leaves an id the app knows.
  it.each<[string, () => GrantRecord, string | undefined]>([
    ['a request', () => requested(), undefined],
    ['a break-glass request, which grants straight away', () => requested({ breakGlass: true }), 'SD-123.1'],
    ['an approved request', () => recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app' }), undefined],
    ['a grant that started', () => recordTransition(recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app' }), { event: 'grant-started', at: T0, actor: 'app' }), 'SD-123.1'],
    ['a break-glass grant', () => recordTransition(requested({ breakGlass: true }), { event: 'break-glass', at: T0, actor: 'acc-ana' }), 'SD-123.1'],
    ['a failed grant', () => failedRecord(), 'SD-123.1'],
  ])('assigns the grant id when the grant starts: %s', (_label, record, grantId) => {
    expect(record().grantId).toBe(grantId);
  });

  it('refuses a retry of a grant that did not fail', () => {
    expect(codeOf(() => recordTransition(activeRecord(), { event: 'grant-retried', at: minutes(60), actor: 'acc-admin' }))).toBe('illegal_transition');
  });

  it('shortens a long note and keeps the latest MAX_HISTORY entries', () => {
    let record = activeRecord();
    for (let index = 0; index < MAX_HISTORY + 5; index += 1) {
      const notAfter = minutes(200 + index).toISOString();
      record = recordTransition(record, { event: 'extended', at: minutes(20), actor: 'acc-ana', note: 'x'.repeat(900), set: { window: { notBefore: record.window!.notBefore, notAfter } } });
    }
    expect(record.history).toHaveLength(MAX_HISTORY);
    expect(record.historyDropped).toBe(4 + MAX_HISTORY + 5 - MAX_HISTORY);
    expect(record.history.at(-1)?.note).toHaveLength(200);
  });

  it('stays well under the issue property limit at its largest', () => {
    const long = (length: number): string => 'w'.repeat(length);
    let record: GrantRecord = parseRecord({
      ...activeRecord(),
      ticket: long(64),
      accessLevel: long(64),
      requester: { accountId: long(128) },
      rule: { id: long(64), name: long(120) },
      approvers: Array.from({ length: 20 }, () => ({ accountId: long(128), at: T0.toISOString() })),
      lastError: long(500),
      reviewTask: long(64),
    });
    for (let index = 0; index < MAX_HISTORY; index += 1) {
      record = recordTransition(record, {
        event: 'extended',
        at: minutes(20),
        actor: long(128),
        rule: { id: long(64), name: long(120) },
        note: long(200),
        set: { window: { notBefore: record.window!.notBefore, notAfter: minutes(300 + index).toISOString() } },
      });
    }
    expect(serializeRecord(record).length).toBeLessThan(MAX_PROPERTY_CHARS * 0.9);
  });

  it('reveals the credential once', () => {
    const revealed = markCredentialRevealed(activeRecord(), minutes(12));
    expect(revealed.credential).toEqual({ revealedAt: minutes(12).toISOString() });
    expect(codeOf(() => markCredentialRevealed(revealed, minutes(13)))).toBe('credential_already_revealed');
  });

  it('serializes to JSON that parses back to the same record', () => {
    const record = activeRecord();
    expect(parseRecord(JSON.parse(serializeRecord(record)))).toEqual(record);
  });

  it('refuses to serialize a record carrying a secret', () => {
    const record = recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app', note: 'login with pw s3cr3t-Value' });
    expect(codeOf(() => serializeRecord(record, ['s3cr3t-Value']))).toBe('secret_detected');
    expect(codeOf(() => serializeRecord({ ...record, password: 'x' } as GrantRecord))).toBe('invalid_grant_record');
  });

  it('refuses an invalid stored value with every problem', () => {
    let caught: unknown;
    try {
      parseRecord({ ...requested(), state: 'pending', window: { notBefore: T0.toISOString(), notAfter: T0.toISOString() } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'invalid_grant_record' });
    expect((caught as CoreError).context.issues).toEqual([
      expect.stringMatching(/^state: /),
      'window: notAfter must be after notBefore',
    ]);
    expect(grantRecordSchema.safeParse(requested()).success).toBe(true);
  });
});
