import {
  CoreError,
  allowedEvents,
  grantStateSchema,
  isFinal,
  lifecycleEventSchema,
  transition,
  type GrantState,
  type LifecycleEvent,
} from '../../src/core';

/** The lifecycle of shared/DESIGN.md, written out independently of the implementation's table. */
const LEGAL: Array<[GrantState, LifecycleEvent, GrantState]> = [
  ['requested', 'policy-approved', 'approved'],
  ['requested', 'policy-needs-approval', 'awaiting-approval'],
  ['requested', 'policy-denied', 'denied'],
  ['requested', 'break-glass', 'active'],
  ['requested', 'grant-failed', 'failed'],
  ['requested', 'revoked', 'revoked'],
  ['awaiting-approval', 'approval-approved', 'approved'],
  ['awaiting-approval', 'approval-declined', 'declined'],
  ['awaiting-approval', 'revoked', 'revoked'],
  ['approved', 'window-not-open', 'scheduled'],
  ['approved', 'grant-started', 'granting'],
  ['approved', 'revoked', 'revoked'],
  ['scheduled', 'grant-started', 'granting'],
  ['scheduled', 'revoked', 'revoked'],
  ['granting', 'grant-succeeded', 'active'],
  ['granting', 'grant-failed', 'failed'],
  ['granting', 'revoked', 'revoked'],
  ['active', 'extended', 'active'],
  ['active', 'expired', 'expired'],
  ['active', 'revoked', 'revoked'],
  ['failed', 'grant-retried', 'granting'],
];

describe('transition', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toBe(to);
  });

  const legal = new Set(LEGAL.map(([from, event]) => `${from}/${event}`));
  const illegal = grantStateSchema.options.flatMap((state) =>
    lifecycleEventSchema.options.filter((event) => !legal.has(`${state}/${event}`)).map((event): [GrantState, LifecycleEvent] => [state, event]),
  );

  it('refuses every other pair with illegal_transition', () => {
    expect(illegal).toHaveLength(grantStateSchema.options.length * lifecycleEventSchema.options.length - LEGAL.length);
    for (const [state, event] of illegal) {
      expect(() => transition(state, event)).toThrow(expect.objectContaining({ code: 'illegal_transition', context: expect.objectContaining({ state, event }) }));
    }
  });

  it.each<[GrantState, LifecycleEvent, string]>([
    ['expired', 'extended', 'A grant that is expired cannot take the event extended (it is final).'],
    ['requested', 'grant-succeeded', 'A grant that is requested cannot take the event grant-succeeded (allowed: policy-approved, policy-needs-approval, policy-denied, grant-failed, revoked, break-glass).'],
    ['awaiting-approval', 'policy-approved', 'A grant that is awaiting-approval cannot take the event policy-approved (allowed: approval-approved, approval-declined, revoked).'],
    ['active', 'break-glass', 'A grant that is active cannot take the event break-glass (allowed: expired, revoked, extended).'],
    ['revoked', 'revoked', 'A grant that is revoked cannot take the event revoked (it is final).'],
    ['scheduled', 'grant-succeeded', 'A grant that is scheduled cannot take the event grant-succeeded (allowed: grant-started, revoked).'],
    ['failed', 'grant-started', 'A grant that is failed cannot take the event grant-started (allowed: grant-retried).'],
    ['granting', 'grant-retried', 'A grant that is granting cannot take the event grant-retried (allowed: grant-succeeded, grant-failed, revoked).'],
  ])('%s + %s says what is allowed', (state, event, message) => {
    let caught: unknown;
    try {
      transition(state, event);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect(caught).toMatchObject({ code: 'illegal_transition', message, context: { state, event, allowed: allowedEvents(state) } });
  });

  it.each<[GrantState, boolean]>([
    ['requested', false],
    ['active', false],
    ['denied', true],
    ['declined', true],
    ['expired', true],
    ['revoked', true],
    // An administrator may retry a failed grant.
    ['failed', false],
  ])('%s is final: %s', (state, final) => {
    expect(isFinal(state)).toBe(final);
  });
});

describe('grant-retried', () => {
  it.each(grantStateSchema.options.filter((state) => state !== 'failed'))('is refused from %s', (state) => {
    expect(() => transition(state, 'grant-retried')).toThrow(expect.objectContaining({ code: 'illegal_transition' }));
  });
});
