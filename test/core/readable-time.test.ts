import { readableTime } from '../../src/core';

describe('readableTime', () => {
  it.each([
    ['2026-11-23T09:00:00.000Z', 'Mon 23 Nov 2026, 09:00 UTC'],
    ['2026-11-29T23:59:59.999Z', 'Sun 29 Nov 2026, 23:59 UTC'],
    ['2027-01-01T00:05:00+01:00', 'Thu 31 Dec 2026, 23:05 UTC'],
    ['2028-02-29T12:30:00Z', 'Tue 29 Feb 2028, 12:30 UTC'],
  ])('%s reads as %s', (iso, text) => {
    expect(readableTime(iso)).toBe(text);
    expect(readableTime(new Date(iso))).toBe(text);
  });

  it('gives seconds where they are asked for, never the fraction', () => {
    expect(readableTime('2026-11-29T23:59:59.999Z', 'seconds')).toBe('Sun 29 Nov 2026, 23:59:59 UTC');
    expect(readableTime('2026-11-23T09:00:05Z', 'seconds')).toBe('Mon 23 Nov 2026, 09:00:05 UTC');
  });
});
