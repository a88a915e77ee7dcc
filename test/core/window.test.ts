import { computeExtension, computeWindow, loadDefaultSettings, plannedWindowOf, type AccessLevel, type WindowInput } from '../../src/core';

const levels = loadDefaultSettings().accessLevels;
function level(id: string): AccessLevel {
  const found = levels.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no level ${id}`);
  return found;
}

const at = (iso: string): Date => new Date(iso);
const NOW = at('2026-11-23T09:00:00Z');
const PLAN = { start: at('2026-11-23T10:00:00Z'), end: at('2026-11-23T13:00:00Z') };

describe('computeWindow', () => {
  it.each<[string, WindowInput, string, string, string | null]>([
    ['default duration from now', { now: NOW, accessLevel: level('read-only') }, '2026-11-23T09:00:00.000Z', '2026-11-23T13:00:00.000Z', null],
    ['requested duration', { now: NOW, accessLevel: level('read-only'), requestedDuration: 'PT30M' }, '2026-11-23T09:00:00.000Z', '2026-11-23T09:30:00.000Z', null],
    ['exactly the maximum', { now: NOW, accessLevel: level('read-only'), requestedDuration: 'PT8H' }, '2026-11-23T09:00:00.000Z', '2026-11-23T17:00:00.000Z', null],
    ['capped by the maximum', { now: NOW, accessLevel: level('read-only'), requestedDuration: 'P1D' }, '2026-11-23T09:00:00.000Z', '2026-11-23T17:00:00.000Z', 'maximum-duration'],
    ['counted from a later requested start', { now: NOW, accessLevel: level('emergency-fix'), requestedStart: at('2026-11-23T12:00:00Z') },
      '2026-11-23T12:00:00.000Z', '2026-11-23T14:00:00.000Z', null],
    ['a past requested start counts from now', { now: NOW, accessLevel: level('emergency-fix'), requestedStart: at('2026-11-23T06:00:00Z') },
      '2026-11-23T09:00:00.000Z', '2026-11-23T11:00:00.000Z', null],
    ['a change-bound level starts at the planned start', { now: NOW, accessLevel: level('schema-change'), requestedDuration: 'PT1H', plannedWindow: PLAN },
      '2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z', null],
    ['capped by the planned end', { now: NOW, accessLevel: level('schema-change'), requestedDuration: 'PT5H', plannedWindow: PLAN },
      '2026-11-23T10:00:00.000Z', '2026-11-23T13:00:00.000Z', 'planned-end'],
    ['inside a window already open, from now', { now: at('2026-11-23T11:00:00Z'), accessLevel: level('schema-change'), requestedDuration: 'PT4H', plannedWindow: PLAN },
      '2026-11-23T11:00:00.000Z', '2026-11-23T13:00:00.000Z', 'planned-end'],
    ['a maintenance window lasts the rest of the window by default', { now: NOW, accessLevel: level('maintenance'), plannedWindow: PLAN },
      '2026-11-23T10:00:00.000Z', '2026-11-23T13:00:00.000Z', null],
    ['the maximum is tighter than the planned end', { now: NOW, accessLevel: level('emergency-fix'), requestedDuration: 'PT6H', plannedWindow: PLAN },
      '2026-11-23T09:00:00.000Z', '2026-11-23T13:00:00.000Z', 'maximum-duration'],
    ['a long window is capped by the maximum', { now: NOW, accessLevel: level('maintenance'), plannedWindow: { start: PLAN.start, end: at('2026-11-24T10:00:00Z') } },
      '2026-11-23T10:00:00.000Z', '2026-11-23T22:00:00.000Z', 'maximum-duration'],
  ])('%s', (_label, input, notBefore, notAfter, cappedBy) => {
    const result = computeWindow(input);
    expect(result).toMatchObject({ ok: true, cappedBy });
    if (!result.ok) return;
    expect([result.notBefore.toISOString(), result.notAfter.toISOString()]).toEqual([notBefore, notAfter]);
    expect(result.durationMs).toBe(result.notAfter.getTime() - result.notBefore.getTime());
  });

  it('a level that needs no planned window is not capped by a linked change', () => {
    const result = computeWindow({ now: NOW, accessLevel: level('read-only'), requestedDuration: 'PT6H', plannedWindow: PLAN });
    expect(result).toMatchObject({ ok: true, notBefore: NOW, notAfter: at('2026-11-23T15:00:00Z'), cappedBy: null });
  });

  it.each<[string, WindowInput, string, string]>([
    ['a change-bound level without a planned window', { now: NOW, accessLevel: level('schema-change') }, 'planned_window_missing',
      'Schema change needs a linked change request with a planned start and end.'],
    ['a window-bound level without a planned window', { now: NOW, accessLevel: level('maintenance') }, 'planned_window_missing',
      'Maintenance window lasts the planned window of a change request: link one with a planned start and end.'],
    ['a start before the planned start', { now: NOW, accessLevel: level('schema-change'), requestedStart: at('2026-11-23T09:30:00Z'), plannedWindow: PLAN },
      'starts_before_planned_window', "The requested start Mon 23 Nov 2026, 09:30 UTC is before the change's planned start Mon 23 Nov 2026, 10:00 UTC."],
    ['a planned window that is over', { now: at('2026-11-23T13:00:00Z'), accessLevel: level('schema-change'), plannedWindow: PLAN },
      'planned_window_over', "The change's planned window ended at Mon 23 Nov 2026, 13:00 UTC."],
    ['a bad duration', { now: NOW, accessLevel: level('read-only'), requestedDuration: 'PT0M' }, 'invalid_duration',
      '"PT0M" is not a valid duration: it must be longer than zero (e.g. PT30M, PT4H, P1D or P1DT12H)'],
  ])('refuses %s', (_label, input, code, reason) => {
    expect(computeWindow(input)).toEqual({ ok: false, code, reason });
  });

  it('explains the cap in plain words', () => {
    const byMax = computeWindow({ now: NOW, accessLevel: level('emergency-fix'), requestedDuration: 'PT6H' });
    const byPlan = computeWindow({ now: NOW, accessLevel: level('schema-change'), requestedDuration: 'PT5H', plannedWindow: PLAN });
    expect(byMax).toMatchObject({ explanation: 'Access lasts 4 hours: 6 hours was asked for, and Emergency fix allows at most 4 hours.' });
    expect(byPlan).toMatchObject({ explanation: "Access lasts 3 hours: 5 hours was asked for, and access ends with the change's planned window." });
  });
});

describe('plannedWindowOf', () => {
  it('needs both ends', () => {
    expect(plannedWindowOf({ key: 'C-1', status: 'Implementing', plannedStart: '2026-11-23T10:00:00Z', plannedEnd: '2026-11-23T13:00:00Z' })).toEqual(PLAN);
    expect(plannedWindowOf({ key: 'C-1', status: 'Implementing', plannedStart: '2026-11-23T10:00:00Z' })).toBeUndefined();
    expect(plannedWindowOf(undefined)).toBeUndefined();
  });
});

describe('computeExtension', () => {
  const window = { notBefore: at('2026-11-23T09:00:00Z'), notAfter: at('2026-11-23T11:00:00Z') };

  it.each<[string, string, string, string | null]>([
    ['within the maximum', 'PT1H', '2026-11-23T12:00:00.000Z', null],
    ['capped by the maximum counted from the start', 'PT4H', '2026-11-23T13:00:00.000Z', 'maximum-duration'],
  ])('%s', (_label, extendBy, notAfter, cappedBy) => {
    const result = computeExtension({ window, accessLevel: level('emergency-fix'), extendBy });
    expect(result).toMatchObject({ ok: true, cappedBy });
    expect(result.ok && result.notAfter.toISOString()).toBe(notAfter);
  });

  it('is capped by the planned end for a change-bound level', () => {
    const result = computeExtension({
      window: { notBefore: PLAN.start, notAfter: at('2026-11-23T12:00:00Z') },
      accessLevel: level('schema-change'),
      extendBy: 'PT2H',
      plannedWindow: PLAN,
    });
    expect(result).toEqual({
      ok: true,
      notAfter: PLAN.end,
      cappedBy: 'planned-end',
      explanation: "Access now ends at Mon 23 Nov 2026, 13:00 UTC, capped by the change's planned end.",
    });
  });

  it('is refused when the end cannot move later', () => {
    const result = computeExtension({ window: { notBefore: window.notBefore, notAfter: at('2026-11-23T13:00:00Z') }, accessLevel: level('emergency-fix'), extendBy: 'PT1H' });
    expect(result).toEqual({ ok: false, code: 'at_limit', reason: 'Access already ends at the maximum of 4 hours for Emergency fix.' });
  });
});
