import {
  CoreError,
  defaultSettings,
  isWithinBusinessHours,
  loadDefaultSettings,
  localClock,
  parseSettings,
  settingsSchema,
  type BusinessHours,
} from '../../src/core';

function issuesOf(input: unknown): string[] {
  try {
    parseSettings(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('invalid_settings');
    return (error as CoreError).context.issues as string[];
  }
  throw new Error('expected the settings to be refused');
}

describe('shipped defaults', () => {
  it('validate against the schema', () => {
    expect(settingsSchema.safeParse(defaultSettings).success).toBe(true);
  });

  it.each([
    ['read-only', 'read', 'PT4H', 'PT8H', { requiresChange: false, breakGlass: false, boundToWindow: false }],
    ['emergency-fix', 'write', 'PT2H', 'PT4H', { requiresChange: false, breakGlass: true, boundToWindow: false }],
    ['maintenance', 'write', 'PT4H', 'PT12H', { requiresChange: false, breakGlass: false, boundToWindow: true }],
    ['schema-change', 'ddl', 'PT2H', 'PT8H', { requiresChange: true, breakGlass: false, boundToWindow: true }],
  ])('ship the %s template', (id, connectorRole, defaultDuration, maxDuration, flags) => {
    const level = loadDefaultSettings().accessLevels.find((candidate) => candidate.id === id);
    expect(level).toMatchObject({ connectorRole, defaultDuration, maxDuration, ...flags });
  });

  it('ship the policy set: break-glass, read-only on dev, prod needs a DBA lead (then deny by default)', () => {
    expect(loadDefaultSettings().policies.map((rule) => [rule.id, rule.then])).toEqual([
      ['break-glass-emergency', { type: 'auto-approve' }],
      ['read-only-dev', { type: 'auto-approve' }],
      ['prod-needs-dba-lead', { type: 'approval', group: 'dba-leads', count: 1 }],
    ]);
  });

  it('give a fresh copy each time', () => {
    const first = loadDefaultSettings();
    first.policies.pop();
    expect(loadDefaultSettings().policies).toHaveLength(3);
  });
});

describe('parseSettings', () => {
  it('reports every problem at once, by path', () => {
    const issues = issuesOf({
      ...defaultSettings,
      connectorUrl: 'ftp://connector',
      accessLevels: [
        { ...defaultSettings.accessLevels[0], defaultDuration: 'PT9H' },
        { ...defaultSettings.accessLevels[0], maxDuration: '4h' },
      ],
      policies: [{ id: 'p1', name: 'P', when: { accessLevels: ['nope'] }, then: { type: 'approval', group: 'ghosts', count: 1 } }],
      businessHours: { timeZone: 'Mars/Olympus', days: ['mon'], start: '17:00', end: '09:00' },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'connectorUrl: the connector URL must be an http(s) URL',
        'accessLevels.0.defaultDuration: the default duration is longer than the maximum',
        expect.stringMatching(/^accessLevels\.1\.maxDuration: "4h" is not a valid duration: it must start with P/),
        'businessHours.timeZone: not an IANA time zone, e.g. Europe/Berlin or UTC',
        'businessHours.end: business hours must end after they start (same day)',
      ]),
    );
  });

  it('checks references and duplicates once the shape is right', () => {
    const issues = issuesOf({
      ...defaultSettings,
      accessLevels: [defaultSettings.accessLevels[0], defaultSettings.accessLevels[0]],
      policies: [{ id: 'p1', name: 'P', when: { accessLevels: ['nope'] }, then: { type: 'approval', group: 'ghosts', count: 1 } }],
    });
    expect(issues).toEqual([
      'accessLevels.1.id: duplicate id "read-only"',
      'policies.0.when.accessLevels: unknown access level "nope"',
      'policies.0.then.group: unknown approver group "ghosts"',
    ]);
  });

  it('refuses unknown fields rather than ignoring them', () => {
    expect(issuesOf({ ...defaultSettings, connectorSecret: 'x' })).toEqual([expect.stringContaining('connectorSecret')]);
  });

  it('maps the transitions the app runs, the retry of a failed grant included, and keeps settings saved before the retry existed valid', () => {
    expect(loadDefaultSettings().transitions).toEqual({
      approve: 'Approved by policy',
      deny: 'Deny',
      markGranted: 'Access granted',
      markExpired: 'Access expired',
      markRevoked: 'Revoke access',
      markFailed: 'Access failed',
      retry: 'Retry access',
    });
    const { retry: _retry, ...older } = loadDefaultSettings().transitions;
    expect(parseSettings({ ...defaultSettings, transitions: older }).transitions.retry).toBe('Retry access');
    expect(issuesOf({ ...defaultSettings, transitions: { ...older, retry: '' } })).toEqual([expect.stringMatching(/^transitions\.retry: /)]);
  });

  it('fills defaults for optional rule and level fields', () => {
    const settings = parseSettings({
      ...defaultSettings,
      policies: [{ id: 'all-dev', name: 'Dev', then: { type: 'auto-approve' } }],
    });
    expect(settings.policies[0]).toEqual({ id: 'all-dev', name: 'Dev', enabled: true, when: {}, then: { type: 'auto-approve' } });
  });
});

describe('business hours', () => {
  const berlin: BusinessHours = { timeZone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };

  it.each([
    // Winter: Berlin is UTC+1.
    ['2026-11-23T07:59:00Z', 'mon', '08:59', false],
    ['2026-11-23T08:00:00Z', 'mon', '09:00', true],
    ['2026-11-23T15:59:00Z', 'mon', '16:59', true],
    ['2026-11-23T16:00:00Z', 'mon', '17:00', false],
    ['2026-11-21T10:00:00Z', 'sat', '11:00', false],
    // Summer: UTC+2, so 07:30 UTC is 09:30 local.
    ['2026-07-01T07:30:00Z', 'wed', '09:30', true],
    // Late Sunday UTC is already Monday in Berlin.
    ['2026-11-22T23:30:00Z', 'mon', '00:30', false],
  ])('%s is %s %s local, inside: %s', (at, day, time, inside) => {
    expect(localClock(new Date(at), berlin.timeZone)).toEqual({ day, time });
    expect(isWithinBusinessHours(new Date(at), berlin)).toBe(inside);
  });
});
