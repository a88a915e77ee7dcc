import {
  DEFAULT_DENY,
  INVALID_REQUEST,
  accessRequestSchema,
  decide,
  decisionEvent,
  describeRule,
  parseSettings,
  type AccessRequestInput,
  type PolicyRuleInput,
  type RuleConditions,
  type Settings,
} from '../../src/core';
import { settingsWithTargets } from './fixtures';

// Monday 2026-11-23 10:00 in Berlin (UTC+1): inside business hours.
const MONDAY_MORNING = new Date('2026-11-23T09:00:00Z');
// Saturday: outside.
const SATURDAY = new Date('2026-11-21T09:00:00Z');

function request(overrides: Partial<AccessRequestInput> = {}): ReturnType<typeof accessRequestSchema.parse> {
  return accessRequestSchema.parse({
    target: 'orders-prod',
    accessLevel: 'read-only',
    requester: { accountId: 'acc-ana', groups: ['developers'] },
    ...overrides,
  });
}

function withRules(rules: PolicyRuleInput[], base: Settings = settingsWithTargets()): Settings {
  return parseSettings({ ...base, policies: rules, approverGroups: [...base.approverGroups, { id: 'on-call', name: 'On-call', jiraGroup: 'on-call' }] });
}

function only(when: RuleConditions): Settings {
  return withRules([{ id: 'r1', name: 'Rule one', when, then: { type: 'auto-approve' } }]);
}

const approvedChange = {
  key: 'CHG-7',
  status: 'Implementing',
  plannedStart: '2026-11-23T08:00:00Z',
  plannedEnd: '2026-11-23T14:00:00Z',
};

describe('decide: each condition', () => {
  it.each<[string, RuleConditions, Partial<AccessRequestInput>, Date, boolean, string]>([
    ['access level matches', { accessLevels: ['read-only'] }, {}, MONDAY_MORNING, true, 'the access level is Read-only troubleshooting'],
    ['access level differs', { accessLevels: ['emergency-fix', 'maintenance'] }, {}, MONDAY_MORNING, false,
      'the access level is Read-only troubleshooting, not Emergency fix or Maintenance window'],
    ['environment matches', { environments: ['prod'] }, {}, MONDAY_MORNING, true, 'the target orders-prod is in the prod environment'],
    ['environment differs', { environments: ['dev', 'staging'] }, {}, MONDAY_MORNING, false,
      'the target orders-prod is in the prod environment, not dev or staging'],
    ['requester in one of the groups', { requesterGroups: ['dba', 'developers'] }, {}, MONDAY_MORNING, true,
      'the requester is in the group developers'],
    ['requester in none of the groups', { requesterGroups: ['dba', 'on-call'] }, {}, MONDAY_MORNING, false,
      'the requester is not in any of the groups dba or on-call'],
    ['inside business hours, asked inside', { businessHours: 'inside' }, {}, MONDAY_MORNING, true,
      'the request is decided within business hours (Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Berlin)'],
    ['inside business hours, asked on Saturday', { businessHours: 'inside' }, {}, SATURDAY, false,
      'the request is decided outside business hours (Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Berlin)'],
    ['outside business hours, asked on Saturday', { businessHours: 'outside' }, {}, SATURDAY, true,
      'the request is decided outside business hours (Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Berlin)'],
    ['duration at most the limit', { maxDuration: 'PT2H' }, { duration: 'PT2H' }, MONDAY_MORNING, true,
      'the requested duration (2 hours) is at most 2 hours'],
    ['duration over the limit', { maxDuration: 'PT2H' }, { duration: 'PT2H1M' }, MONDAY_MORNING, false,
      'the requested duration (2 hours 1 minute) is longer than 2 hours'],
    ['default duration counts when none is asked', { maxDuration: 'PT2H' }, {}, MONDAY_MORNING, false,
      'the requested duration (4 hours) is longer than 2 hours'],
    ['change linked', { changeLinked: true }, { change: approvedChange }, MONDAY_MORNING, true, 'the change CHG-7 is linked'],
    ['change missing', { changeLinked: true }, {}, MONDAY_MORNING, false, 'no change request is linked'],
    ['no change wanted, none linked', { changeLinked: false }, {}, MONDAY_MORNING, true, 'no change request is linked'],
    ['change approved', { changeApproved: true }, { change: approvedChange }, MONDAY_MORNING, true,
      'the change CHG-7 is approved (status Implementing)'],
    ['change not approved', { changeApproved: true }, { change: { ...approvedChange, status: 'Planning' } }, MONDAY_MORNING, false,
      'the change CHG-7 is in status Planning, which does not count as approved'],
    ['change approval without a change', { changeApproved: true }, {}, MONDAY_MORNING, false,
      'no change request is linked, so none is approved'],
    ['window inside the change window', { withinChangeWindow: true }, { change: approvedChange, duration: 'PT1H' }, MONDAY_MORNING, true,
      'the requested window (Mon 23 Nov 2026, 09:00 UTC to Mon 23 Nov 2026, 10:00 UTC) lies inside the planned window of CHG-7 (Mon 23 Nov 2026, 08:00 UTC to Mon 23 Nov 2026, 14:00 UTC)'],
    ['window past the change window', { withinChangeWindow: true }, { change: approvedChange, duration: 'PT6H' }, MONDAY_MORNING, false,
      'the requested window (Mon 23 Nov 2026, 09:00 UTC to Mon 23 Nov 2026, 15:00 UTC) does not lie inside the planned window of CHG-7 (Mon 23 Nov 2026, 08:00 UTC to Mon 23 Nov 2026, 14:00 UTC)'],
    ['change without planned dates', { withinChangeWindow: true }, { change: { key: 'CHG-8', status: 'Implementing' } }, MONDAY_MORNING, false,
      'the change CHG-8 has no planned start and end'],
    ['break-glass wanted and asked', { breakGlass: true }, { breakGlass: true, accessLevel: 'emergency-fix' }, MONDAY_MORNING, true,
      'this is a break-glass request'],
    ['break-glass wanted, normal request', { breakGlass: true }, {}, MONDAY_MORNING, false, 'this is not a break-glass request'],
  ])('%s', (_label, when, overrides, now, matched, reason) => {
    const decision = decide(request(overrides), only(when), now);
    expect(decision.trace[0]?.checks).toEqual([{ condition: Object.keys(when)[0], passed: matched, reason }]);
    if (matched) {
      expect(decision.rule).toEqual({ id: 'r1', name: 'Rule one' });
      expect(decision.outcome).toEqual({ type: 'auto-approve' });
      expect(decision.reasons).toEqual([reason]);
    } else {
      expect(decision.rule).toEqual(DEFAULT_DENY);
      expect(decision.outcome).toEqual({ type: 'deny' });
      expect(decision.reasons).toEqual([`"Rule one" did not match: ${reason}`, 'No rule matched, so the request is denied by default.']);
    }
  });

  it('needs every condition of a rule to hold, and explains each one', () => {
    const decision = decide(request(), only({ accessLevels: ['read-only'], environments: ['dev'], businessHours: 'inside' }), MONDAY_MORNING);
    expect(decision.rule).toEqual(DEFAULT_DENY);
    expect(decision.trace[0]?.checks.map((check) => [check.condition, check.passed])).toEqual([
      ['accessLevels', true],
      ['environments', false],
      ['businessHours', true],
    ]);
    expect(decision.reasons[0]).toBe('"Rule one" did not match: the target orders-prod is in the prod environment, not dev');
  });
});

describe('decide: order and defaults', () => {
  const rules: PolicyRuleInput[] = [
    { id: 'off', name: 'Disabled rule', enabled: false, then: { type: 'auto-approve' } },
    { id: 'deny-contractors', name: 'No contractors on prod', when: { requesterGroups: ['contractors'], environments: ['prod'] },
      then: { type: 'deny', message: 'Contractors use the replica.' } },
    { id: 'on-call-prod', name: 'On-call on prod', when: { requesterGroups: ['on-call'], environments: ['prod'] },
      then: { type: 'approval', group: 'on-call', count: 1 } },
    { id: 'prod', name: 'Prod', when: { environments: ['prod'] }, then: { type: 'approval', group: 'dba-leads', count: 2 } },
  ];

  it('lets the first matching rule win and skips disabled rules', () => {
    const decision = decide(request({ requester: { accountId: 'a', groups: ['on-call', 'contractors'] } }), withRules(rules), MONDAY_MORNING);
    expect(decision.rule).toEqual({ id: 'deny-contractors', name: 'No contractors on prod' });
    expect(decision.outcome).toEqual({ type: 'deny', message: 'Contractors use the replica.' });
    expect(decision.reasons).toEqual([
      'the target orders-prod is in the prod environment',
      'the requester is in the group contractors',
      'Contractors use the replica.',
    ]);
    expect(decision.trace.map((entry) => [entry.rule.id, entry.enabled, entry.matched])).toEqual([
      ['off', false, false],
      ['deny-contractors', true, true],
    ]);
  });

  it('falls through to a later rule', () => {
    const decision = decide(request({ requester: { accountId: 'a', groups: ['on-call'] } }), withRules(rules), MONDAY_MORNING);
    expect(decision.rule.id).toBe('on-call-prod');
    expect(decision.outcome).toEqual({ type: 'approval', group: 'on-call', count: 1 });
    expect(decisionEvent(decision, { breakGlass: false })).toBe('policy-needs-approval');
  });

  it('denies by default when nothing matches, listing why each rule did not', () => {
    const decision = decide(request({ target: 'orders-dev' }), withRules(rules), MONDAY_MORNING);
    expect(decision.rule).toEqual(DEFAULT_DENY);
    expect(decision.reasons).toEqual([
      '"No contractors on prod" did not match: the target orders-dev is in the dev environment, not prod; the requester is not in the group contractors',
      '"On-call on prod" did not match: the target orders-dev is in the dev environment, not prod; the requester is not in the group on-call',
      '"Prod" did not match: the target orders-dev is in the dev environment, not prod',
      'No rule matched, so the request is denied by default.',
    ]);
    expect(decisionEvent(decision, { breakGlass: false })).toBe('policy-denied');
  });

  it('denies by default with no rules at all', () => {
    const decision = decide(request(), withRules([]), MONDAY_MORNING);
    expect(decision).toMatchObject({ rule: DEFAULT_DENY, outcome: { type: 'deny' }, trace: [], reasons: ['No rule matched, so the request is denied by default.'] });
  });

  it('matches a rule without conditions', () => {
    const decision = decide(request(), withRules([{ id: 'all', name: 'Everything', then: { type: 'auto-approve' } }]), MONDAY_MORNING);
    expect(decision.reasons).toEqual(['the rule has no conditions, so it matches every request']);
  });
});

describe('decide: shipped policies', () => {
  it.each<[string, Partial<AccessRequestInput>, string, string, string]>([
    ['read-only on dev', { target: 'orders-dev' }, 'read-only-dev', 'auto-approve', 'policy-approved'],
    ['read-only on prod', {}, 'prod-needs-dba-lead', 'approval', 'policy-needs-approval'],
    ['emergency fix on prod', { accessLevel: 'emergency-fix' }, 'prod-needs-dba-lead', 'approval', 'policy-needs-approval'],
    ['break-glass emergency fix on prod', { accessLevel: 'emergency-fix', breakGlass: true }, 'break-glass-emergency', 'auto-approve', 'break-glass'],
    ['emergency fix on dev', { accessLevel: 'emergency-fix', target: 'orders-dev' }, 'default-deny', 'deny', 'policy-denied'],
  ])('%s', (_label, overrides, ruleId, outcome, event) => {
    const req = request(overrides);
    const decision = decide(req, settingsWithTargets(), MONDAY_MORNING);
    expect([decision.rule.id, decision.outcome.type, decisionEvent(decision, req)]).toEqual([ruleId, outcome, event]);
  });
});

describe('decide: requests that cannot be granted as asked', () => {
  it.each<[string, Partial<AccessRequestInput>, string]>([
    ['unknown access level', { accessLevel: 'god-mode' }, 'There is no access level "god-mode".'],
    ['unknown target', { target: 'billing' }, 'There is no database target "billing".'],
    ['role not offered', { target: 'orders-dev', accessLevel: 'schema-change', change: approvedChange },
      'The target orders-dev does not offer Schema change (connector role ddl).'],
    ['break-glass on a level without it', { breakGlass: true }, 'Read-only troubleshooting cannot be used for break-glass access.'],
    ['change required', { accessLevel: 'schema-change' }, 'Schema change needs a linked change request.'],
    ['bad duration', { duration: '2 hours' }, '"2 hours" is not a valid duration: it must start with P (e.g. PT30M, PT4H, P1D or P1DT12H)'],
    ['start before the planned window', { accessLevel: 'schema-change', change: approvedChange, requestedStart: '2026-11-23T07:00:00Z' },
      "The requested start Mon 23 Nov 2026, 07:00 UTC is before the change's planned start Mon 23 Nov 2026, 08:00 UTC."],
  ])('%s: denied with the reason', (_label, overrides, reason) => {
    const decision = decide(request(overrides), settingsWithTargets(), MONDAY_MORNING);
    expect(decision).toEqual({ outcome: { type: 'deny' }, rule: INVALID_REQUEST, reasons: [reason], trace: [] });
  });

  it('previews the capped window of a valid request', () => {
    const decision = decide(request({ duration: 'PT10H' }), settingsWithTargets(), MONDAY_MORNING);
    expect(decision.window).toMatchObject({
      notBefore: MONDAY_MORNING,
      notAfter: new Date('2026-11-23T17:00:00Z'),
      cappedBy: 'maximum-duration',
      explanation: 'Access lasts 8 hours: 10 hours was asked for, and Read-only troubleshooting allows at most 8 hours.',
    });
  });
});

describe('describeRule', () => {
  const settings = withRules([]);
  it.each<[PolicyRuleInput, string]>([
    [{ id: 'a', name: 'A', then: { type: 'auto-approve' } }, 'Always approve automatically.'],
    [{ id: 'a', name: 'A', when: { accessLevels: ['read-only'], environments: ['dev'] }, then: { type: 'auto-approve' } },
      'If the access level is Read-only troubleshooting and the target is in the dev environment, then approve automatically.'],
    [{ id: 'a', name: 'A', when: { environments: ['prod'] }, then: { type: 'approval', group: 'dba-leads', count: 1 } },
      'If the target is in the prod environment, then require approval by 1 member of DBA leads.'],
    [{ id: 'a', name: 'A', when: { environments: ['prod', 'staging'], businessHours: 'outside', maxDuration: 'PT90M' },
      then: { type: 'approval', group: 'on-call', count: 2 } },
      'If the target is in the prod or staging environment, it is outside business hours (Mon, Tue, Wed, Thu, Fri 09:00–17:00 Europe/Berlin) and the requested duration is at most 1 hour 30 minutes, then require approval by 2 members of On-call.'],
    [{ id: 'a', name: 'A', when: { breakGlass: true, requesterGroups: ['sre', 'dba'] }, then: { type: 'auto-approve' } },
      'If it is a break-glass request and the requester is in the group sre or dba, then approve automatically.'],
    [{ id: 'a', name: 'A', when: { changeLinked: true, changeApproved: true, withinChangeWindow: true }, then: { type: 'auto-approve' } },
      "If a change request is linked, the linked change is approved and the requested window lies inside the change's planned window, then approve automatically."],
    [{ id: 'a', name: 'A', enabled: false, when: { changeLinked: false }, then: { type: 'deny', message: 'Link a change.' } },
      '(Disabled) If no change request is linked, then deny ("Link a change.").'],
  ])('%j', (rule, words) => {
    expect(describeRule(parseSettings({ ...settings, policies: [rule] }).policies[0]!, settings)).toBe(words);
  });
});
