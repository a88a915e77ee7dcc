import { formProblems, type FormOptions, type RequestForm } from '../../../src/app/portal/request-form';

const options: FormOptions = {
  kind: 'access',
  targets: [{ id: 'shop-prod', environment: 'prod', engine: 'postgres' }],
  levels: [
    { id: 'read-only', name: 'Read-only', description: '', defaultDuration: 'PT4H', maxDuration: 'PT8H', requiresChange: false, boundToWindow: false },
    { id: 'schema-change', name: 'Schema change', description: '', defaultDuration: 'PT2H', maxDuration: 'PT8H', requiresChange: true, boundToWindow: true },
    { id: 'maintenance', name: 'Maintenance window', description: '', defaultDuration: 'PT4H', maxDuration: 'PT12H', requiresChange: false, boundToWindow: true },
  ],
};
const now = new Date('2026-12-01T10:00:00Z');
const valid: Partial<RequestForm> = { target: 'shop-prod', accessLevel: 'read-only', justification: 'INC-12: stuck orders' };

describe('formProblems', () => {
  it('reports every problem of an empty form at once', () => {
    expect(formProblems({}, options, now)).toEqual({
      target: 'Choose the database.',
      accessLevel: 'Choose the access level.',
      justification: 'Say why you need access (at least 10 characters): the ticket keeps it for the audit.',
    });
  });

  it.each<[string, Partial<RequestForm>, Record<string, string>]>([
    ['a valid form', {}, {}],
    ['an unknown target', { target: 'shop-dev' }, { target: '"shop-dev" is not a database this app manages.' }],
    ['an unknown level', { accessLevel: 'superuser' }, { accessLevel: '"superuser" is not an access level you can ask for here.' }],
    ['a duration over the maximum', { duration: 'PT9H' }, { duration: 'Read-only lasts at most 8 hours.' }],
    ['the maximum itself', { duration: 'PT8H' }, {}],
    ['a duration that is not one', { duration: '2 hours' }, { duration: 'Give the duration in hours and minutes, for example 1 hour 30 minutes.' }],
    ['a start in the past', { requestedStart: '2026-12-01T09:00:00.000Z' }, { requestedStart: 'The start is in the past: leave it empty to start as soon as access is approved.' }],
    ['a start in the future', { requestedStart: '2026-12-01T12:00:00.000Z' }, {}],
    ['a start too far out', { requestedStart: '2027-02-01T12:00:00.000Z' }, { requestedStart: 'The start is more than 30 days away.' }],
    ['a level that needs a change, without one', { accessLevel: 'schema-change' }, { changeKey: 'Schema change needs an approved change request: pick it.' }],
    ['a level that needs a change, with one', { accessLevel: 'schema-change', changeKey: 'CHG-4' }, {}],
    // The policy denies a level bound to a window without the change that plans it: the form says so first.
    ['a level bound to a planned window, without a change', { accessLevel: 'maintenance' }, { changeKey: 'Maintenance window lasts the planned window of a change request: pick it.' }],
    ['a level bound to a planned window, with a change', { accessLevel: 'maintenance', changeKey: 'CHG-4' }, {}],
    ['a short reason', { justification: '  fix   ' }, { justification: 'Say why you need access (at least 10 characters): the ticket keeps it for the audit.' }],
  ])('%s', (_name, change, expected) => {
    expect(formProblems({ ...valid, ...change }, options, now)).toEqual(expected);
  });
});
