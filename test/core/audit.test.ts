import {
  adfDoc,
  adfDocSchema,
  adfToText,
  auditComments,
  auditEntry,
  code,
  lifecycleEventSchema,
  recordTransition,
  strong,
  type GrantRecord,
  type Settings,
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
    expect(adfToText(shown!)).toBe(
      'Your request for Read-only troubleshooting on orders-prod needs approval by 1 member of DBA leads. Nothing to do for now: you will be told here when it is decided.',
    );
  });

  it('tell the requester how to connect when access is active, without the password', () => {
    const { internal, public: shown } = auditComments(activeRecord(), settings);
    expect(adfToText(shown!)).toBe(
      [
        'Access to orders-prod is active until Mon 23 Nov 2026, 11:10 UTC.',
        'Connect to orders.db.internal:5432, database orders as jit_ana_1.',
        'The password is shown once in the access panel of this request.',
      ].join('\n'),
    );
    expect(adfToText(internal)).toContain('Window: 2026-11-23 09:10 UTC to 2026-11-23 11:10 UTC.\nGrant SD-123.1, login jit_ana_1.');
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

  it('refuse a record without transitions, and a note holding a connection URL with a password', () => {
    expect(() => auditEntry(requested(), settings)).toThrow(expect.objectContaining({ code: 'invalid_grant_record' }));
    const leaky = recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app', note: 'used postgres://admin:hunter2@db/orders' });
    expect(() => auditComments(leaky, settings)).toThrow(expect.objectContaining({ code: 'secret_detected', context: { path: 'note', kind: 'url-password' } }));
  });
});

describe('public comments', () => {
  const CONTACT = 'the DBA team (#dba-help)';
  const withDenyRule = {
    ...settings,
    policies: [
      { id: 'no-ddl-on-prod', name: 'No DDL on prod', enabled: true, when: { environments: ['prod'] }, then: { type: 'deny' as const, message: 'schema changes on prod go through a change request' } },
      ...settings.policies,
    ],
  };
  const at = (count: number) => ({ at: minutes(count), actor: 'app' });
  const awaiting = (): GrantRecord =>
    recordTransition(requested(), { event: 'policy-needs-approval', ...at(0), rule: { id: 'prod-needs-dba-lead', name: 'Production needs a DBA lead' }, set: { approval: { group: 'dba-leads', count: 1 } } });
  const granting = (): GrantRecord =>
    recordTransition(recordTransition(requested(), { event: 'policy-approved', ...at(0), rule: { id: 'read-only-dev', name: 'Read-only on dev is automatic' } }), {
      event: 'grant-started',
      ...at(1),
      set: { window: { notBefore: minutes(1).toISOString(), notAfter: minutes(121).toISOString() } },
    });
  const trace = ['"Production needs a DBA lead" did not match: the target orders-prod is in the prod environment', 'No rule matched, so the request is denied by default.'];
  const window = { notBefore: minutes(60).toISOString(), notAfter: minutes(180).toISOString() };

  // Each requester-facing outcome: the record, the reasons the step carried, the settings, and the exact text.
  const outcomes: [string, () => GrantRecord, readonly string[], Settings, string][] = [
    ['auto-approved', () => recordTransition(requested(), { event: 'policy-approved', ...at(0), rule: { id: 'read-only-dev', name: 'Read-only on dev is automatic' } }),
      ['the access level is Read-only troubleshooting'], settings,
      'Your request for Read-only troubleshooting on orders-prod was approved automatically. You will be told here when access is active.'],
    ['routed to approval', awaiting, ['the target orders-prod is in the prod environment'], settings,
      'Your request for Read-only troubleshooting on orders-prod needs approval by 1 member of DBA leads. Nothing to do for now: you will be told here when it is decided.'],
    ['denied by default', () => recordTransition(requested(), { event: 'policy-denied', ...at(0), rule: { id: 'default-deny', name: 'Default deny' } }), trace, settings,
      'Your request for Read-only troubleshooting on orders-prod was denied. No access rule allows this request.\nIf you still need access, raise a new request that fits the rules, or contact the DBA team (#dba-help).'],
    ['denied by a rule with a message', () => recordTransition(requested(), { event: 'policy-denied', ...at(0), rule: { id: 'no-ddl-on-prod', name: 'No DDL on prod' } }),
      ['the target orders-prod is in the prod environment', 'schema changes on prod go through a change request'], withDenyRule,
      'Your request for Read-only troubleshooting on orders-prod was denied. Schema changes on prod go through a change request.\nIf you still need access, raise a new request that fits the rules, or contact the DBA team (#dba-help).'],
    ['denied as asked', () => recordTransition(requested(), { event: 'policy-denied', ...at(0), rule: { id: 'invalid-request', name: 'Request cannot be granted as asked' } }),
      ['Schema change needs a linked change request.'], settings,
      'Your request for Read-only troubleshooting on orders-prod was denied. Schema change needs a linked change request.\nIf you still need access, raise a new request that fits the rules, or contact the DBA team (#dba-help).'],
    ['approved', () => recordTransition(awaiting(), { event: 'approval-approved', at: minutes(5), actor: 'acc-lead', approvers: ['acc-lead'] }), [], settings,
      'Your request for Read-only troubleshooting on orders-prod was approved. You will be told here when access is active.'],
    ['approval declined', () => recordTransition(awaiting(), { event: 'approval-declined', at: minutes(5), actor: 'acc-lead', note: 'Approval refused: the requester approved their own request' }), [], settings,
      'Your request for Read-only troubleshooting on orders-prod was declined. If you still need access, contact the DBA team (#dba-help) to ask why, or raise a new request with more detail.'],
    ['approved, starting later', () => recordTransition(recordTransition(awaiting(), { event: 'approval-approved', at: minutes(5), actor: 'acc-lead', approvers: ['acc-lead'] }), { event: 'window-not-open', ...at(5), set: { window } }),
      [], settings,
      'Your request for Read-only troubleshooting on orders-prod was approved. Access starts Mon 23 Nov 2026, 10:00 UTC and ends Mon 23 Nov 2026, 12:00 UTC; you will be told here when it is active.'],
    ['granted', activeRecord, [], settings,
      'Access to orders-prod is active until Mon 23 Nov 2026, 11:10 UTC.\nConnect to orders.db.internal:5432, database orders as jit_ana_1.\nThe password is shown once in the access panel of this request.'],
    ['extended', () => recordTransition(activeRecord(), { event: 'extended', at: minutes(30), actor: 'acc-ana', note: 'Access now ends at Mon 23 Nov 2026, 12:10 UTC, 1 hour later.',
      set: { window: { notBefore: minutes(10).toISOString(), notAfter: minutes(190).toISOString() } } }), ['the access level is Read-only troubleshooting'], settings,
      'Access to orders-prod now lasts until Mon 23 Nov 2026, 12:10 UTC. Keep using the same login.'],
    ['expired', () => recordTransition(activeRecord(), { event: 'expired', at: minutes(130), actor: 'connector' }), [], settings,
      'Access to orders-prod has ended. If you need it again, raise a new request.'],
    ['revoked', () => recordTransition(activeRecord(), { event: 'revoked', at: minutes(30), actor: 'acc-lead', note: 'revoked from the panel' }), [], settings,
      'Access to orders-prod was revoked. If you still need access, raise a new request.'],
    ['cancelled', () => recordTransition(awaiting(), { event: 'revoked', at: minutes(2), actor: 'acc-ana', note: 'cancelled before approval' }), [], settings,
      'The request was cancelled before access started; nothing was granted. Raise a new request if you still need access.'],
    ['failed', () => recordTransition(granting(), { event: 'grant-failed', at: minutes(30), actor: 'app', note: 'unreachable: connect ECONNREFUSED 10.0.0.5:5432' }), [], settings,
      'Access to orders-prod could not be granted, and nothing was granted.\nTo have it retried, contact the DBA team (#dba-help), or raise the request again.'],
    ['retried', () => recordTransition(failedRecord(), { event: 'grant-retried', at: minutes(40), actor: 'acc-admin', note: 'after 5 failed attempts: unreachable' }), [], settings,
      'An administrator retried granting access to orders-prod. You will be told here when it is active.'],
    ['break-glass', () => recordTransition(requested({ breakGlass: true }), {
      event: 'break-glass', at: T0, actor: 'acc-ana', rule: { id: 'break-glass-emergency', name: 'Break-glass emergency fix' },
      set: { window: { notBefore: T0.toISOString(), notAfter: minutes(120).toISOString() }, username: 'jit_ana_2', connect: { host: 'h', port: 3306, database: '' } },
    }), ['break-glass is asked for'], settings,
      'Emergency access to orders-prod is active until Mon 23 Nov 2026, 11:00 UTC. It will be reviewed afterwards: note in this request what you changed.\nConnect to h:3306 as jit_ana_2.\nThe password is shown once in the access panel of this request.'],
  ];

  const NEXT_STEP = /you will be told here|raise a new request|raise the request again|Connect to|Keep using the same login|note in this request/i;
  // Event codes are the hyphenated ones; expired, revoked and extended are also plain words.
  const EVENT_CODES = lifecycleEventSchema.options.filter((event) => event.includes('-'));
  const ISO_TIME = /\d{4}-\d{2}-\d{2}(T|\s\d)/;
  const ISO_DURATION = /\bP(\d+[WD])*(T(\d+[HMS])+)?\b/;

  it.each(outcomes)('%s: says what was decided and what to do next, and nothing of the trace', (_label, record, reasons, current, text) => {
    const { entry, internal, public: shown } = auditComments(record(), current, reasons, CONTACT);
    const said = adfToText(shown!);
    expect(said).toBe(text);
    expect(said).toMatch(NEXT_STEP);
    expect(said).not.toMatch(ISO_TIME);
    expect(said).not.toMatch(ISO_DURATION);
    expect(said).not.toMatch(/\. [a-z]/);
    for (const event of EVENT_CODES) expect(said).not.toContain(event);
    expect(said).not.toContain('•');
    for (const rule of [...current.policies, { id: 'default-deny', name: 'Default deny' }, { id: 'invalid-request', name: 'Request cannot be granted as asked' }]) {
      expect(said).not.toContain(rule.id);
      expect(said).not.toContain(rule.name);
    }
    // A reason meant for the requester (a deny rule's message, what cannot be granted as asked) is the only reason shown.
    for (const reason of reasons) if (!text.toLowerCase().includes(reason.toLowerCase())) expect(said).not.toContain(reason);
    if (entry.note) expect(said).not.toContain(entry.note);
    // The full trace stays in the internal note.
    const audit = adfToText(internal);
    expect(audit).toContain(`${entry.event}: ${entry.from} → ${entry.to}`);
    for (const reason of reasons) expect(audit).toContain(`• ${reason}`);
    if (entry.rule) expect(audit).toContain(`Rule: ${entry.rule.name} (${entry.rule.id}).`);
    if (entry.note) expect(audit).toContain(`Note: ${entry.note}`);
  });

  it.each([
    ['denied by default', 'If you still need access, raise a new request that fits the rules, or reply here to ask the service desk.'],
    ['approval declined', 'If you still need access, reply here to ask the service desk why, or raise a new request with more detail.'],
    ['failed', 'To have it retried, reply here to ask the service desk, or raise the request again.'],
  ])('%s, with no contact set: tells the requester what they can do without one', (label, line) => {
    const [, record, reasons, current] = outcomes.find(([name]) => name === label)!;
    const said = adfToText(auditComments(record(), current, reasons).public!);
    expect(said).toContain(line);
    expect(said).not.toContain(CONTACT);
  });

  it('grant started: nothing public', () => {
    expect(auditComments(granting(), settings, [], CONTACT).public).toBeNull();
  });
});
