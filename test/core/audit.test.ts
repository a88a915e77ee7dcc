import {
  adfDoc,
  adfDocSchema,
  adfToText,
  auditComments,
  auditEntry,
  code,
  recordTransition,
  strong,
  type GrantRecord,
} from '../../src/core';
import { settingsWithTargets } from './fixtures';
import { activeRecord, failedRecord, minutes, requested, T0 } from './records';

const settings = settingsWithTargets();

describe('adfDoc', () => {
  it('builds paragraphs of text nodes and leaves empty pieces out', () => {
    expect(adfDoc([['Hello ', strong('there'), ''], [], ['login ', code('jit_a')]])).toEqual({
      version: 1,
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there', marks: [{ type: 'strong' }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'login ' }, { type: 'text', text: 'jit_a', marks: [{ type: 'code' }] }] },
      ],
    });
  });
});

describe('audit comments', () => {
  it('write one internal entry with who, what, when and which rule', () => {
    const record = recordTransition(requested(), {
      event: 'policy-needs-approval',
      at: T0,
      actor: 'app',
      rule: { id: 'prod-needs-dba-lead', name: 'Production needs a DBA lead' },
      set: { approval: { group: 'dba-leads', count: 1 } },
    });
    const { entry, internal, public: shown } = auditComments(record, settings, ['the target orders-prod is in the prod environment']);
    expect(entry).toMatchObject({
      at: T0.toISOString(),
      actor: 'app',
      event: 'policy-needs-approval',
      from: 'requested',
      to: 'awaiting-approval',
      rule: { id: 'prod-needs-dba-lead', name: 'Production needs a DBA lead' },
      accessLevelName: 'Read-only troubleshooting',
      approval: { groupName: 'DBA leads', count: 1 },
    });
    expect(adfDocSchema.parse(internal)).toEqual(internal);
    expect(adfToText(internal)).toBe(
      [
        'policy-needs-approval: requested → awaiting-approval',
        'By app at 2026-11-23 09:00 UTC.',
        'Target orders-prod, access level Read-only troubleshooting (connector role read).',
        'Rule: Production needs a DBA lead (prod-needs-dba-lead).',
        '• the target orders-prod is in the prod environment',
      ].join('\n'),
    );
    expect(adfToText(shown!)).toBe('Your request for Read-only troubleshooting on orders-prod needs approval by 1 member of DBA leads.');
  });

  it('tell the requester how to connect when access is active, without the password', () => {
    const { internal, public: shown } = auditComments(activeRecord(), settings);
    expect(adfToText(shown!)).toBe(
      [
        'Access to orders-prod is active until 2026-11-23 11:10 UTC.',
        'Connect to orders.db.internal:5432, database orders as jit_ana_1.',
        'The password is shown once in the access panel of this request.',
      ].join('\n'),
    );
    expect(adfToText(internal)).toContain('Window: 2026-11-23 09:10 UTC to 2026-11-23 11:10 UTC.\nGrant SD-123.1, login jit_ana_1.');
  });

  const granting = (): GrantRecord =>
    recordTransition(recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app' }), {
      event: 'grant-started',
      at: minutes(1),
      actor: 'app',
      set: { window: { notBefore: minutes(1).toISOString(), notAfter: minutes(121).toISOString() } },
    });

  it.each<[string, (record: GrantRecord) => GrantRecord, string | null]>([
    ['grant started: nothing public', (record) => record, null],
    ['failed', (record) => recordTransition(record, { event: 'grant-failed', at: minutes(30), actor: 'sweep', note: 'target unreachable' }),
      'Access to orders-prod could not be granted. The team has been told; you may raise the request again.'],
    ['revoked before access', (record) => recordTransition(record, { event: 'revoked', at: minutes(2), actor: 'acc-ana' }),
      'The request was cancelled before access started; nothing was granted.'],
  ])('%s', (_label, step, text) => {
    const { public: shown } = auditComments(step(granting()), settings);
    expect(shown === null ? null : adfToText(shown)).toBe(text);
  });

  it.each<[string, (record: GrantRecord) => GrantRecord, string]>([
    ['expired', (record) => recordTransition(record, { event: 'expired', at: minutes(130), actor: 'connector' }), 'Access to orders-prod has ended.'],
    ['revoked', (record) => recordTransition(record, { event: 'revoked', at: minutes(30), actor: 'acc-lead' }), 'Access to orders-prod was revoked.'],
    ['extended', (record) =>
      recordTransition(record, { event: 'extended', at: minutes(30), actor: 'acc-ana', set: { window: { notBefore: record.window!.notBefore, notAfter: minutes(190).toISOString() } } }),
      'Access to orders-prod now lasts until 2026-11-23 12:10 UTC.'],
  ])('after active: %s', (_label, step, text) => {
    expect(adfToText(auditComments(step(activeRecord()), settings).public!)).toBe(text);
  });

  const retry = (record: GrantRecord, at: number): GrantRecord =>
    recordTransition(record, { event: 'grant-retried', at: minutes(at), actor: 'acc-admin', note: 'after 5 failed attempts: unreachable' });
  const failAgain = (record: GrantRecord): GrantRecord => recordTransition(record, { event: 'grant-failed', at: minutes(50), actor: 'app', set: { attempts: 5 } });

  it.each<[string, () => GrantRecord, string, number, string]>([
    ['first retry', () => retry(failedRecord(), 40), 'SD-123.2', 1, '09:40'],
    ['second retry', () => retry(failAgain(retry(failedRecord(), 40)), 60), 'SD-123.3', 2, '10:00'],
  ])('a retried grant (%s) says who retried, which retry and the new grant id; the requester is told', (_label, record, grantId, number, time) => {
    const { entry, internal, public: shown } = auditComments(record(), settings);
    expect(entry).toMatchObject({ event: 'grant-retried', from: 'failed', to: 'granting', actor: 'acc-admin', grantId, retries: number });
    expect(adfToText(internal)).toBe(
      [
        'grant-retried: failed → granting',
        `By acc-admin at 2026-11-23 ${time} UTC.`,
        'Target orders-prod, access level Read-only troubleshooting (connector role read).',
        `Grant ${grantId}.`,
        `Retry ${number} of the failed grant, under a new grant id; grant attempts start again at 1.`,
        'Note: after 5 failed attempts: unreachable',
      ].join('\n'),
    );
    expect(adfToText(shown!)).toBe('An administrator retried granting access to orders-prod. You will be told here when it is active.');
  });

  it('mark break-glass as loud in both comments', () => {
    const record = recordTransition(requested({ breakGlass: true }), {
      event: 'break-glass',
      at: T0,
      actor: 'acc-ana',
      rule: { id: 'break-glass-emergency', name: 'Break-glass emergency fix' },
      set: { window: { notBefore: T0.toISOString(), notAfter: minutes(120).toISOString() }, username: 'jit_ana_2',
        connect: { host: 'h', port: 3306, database: '' } },
    });
    const { internal, public: shown } = auditComments(record, settings);
    expect(adfToText(internal)).toContain('Break-glass: access without prior approval; a review follows.');
    expect(adfToText(shown!)).toBe(
      ['Emergency access to orders-prod is active until 2026-11-23 11:00 UTC. It will be reviewed afterwards.', 'Connect to h:3306 as jit_ana_2.',
        'The password is shown once in the access panel of this request.'].join('\n'),
    );
  });

  it('list the denial reasons publicly', () => {
    const record = recordTransition(requested(), { event: 'policy-denied', at: T0, actor: 'app', rule: { id: 'default-deny', name: 'Default deny' } });
    const { public: shown } = auditComments(record, settings, ['No rule matched, so the request is denied by default.']);
    expect(adfToText(shown!)).toBe('Your request for Read-only troubleshooting on orders-prod was denied.\n• No rule matched, so the request is denied by default.');
  });

  it('refuse a record without transitions, and a note holding a connection URL with a password', () => {
    expect(() => auditEntry(requested(), settings)).toThrow(expect.objectContaining({ code: 'invalid_grant_record' }));
    const leaky = recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app', note: 'used postgres://admin:hunter2@db/orders' });
    expect(() => auditComments(leaky, settings)).toThrow(expect.objectContaining({ code: 'secret_detected', context: { path: 'note', kind: 'url-password' } }));
  });
});
