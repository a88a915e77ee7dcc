import { CoreError, describeDuration, formatDuration, isoDurationSchema, parseDuration } from '../../src/core';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['PT1M', MIN],
    ['PT30M', 30 * MIN],
    ['PT1H', HOUR],
    ['PT4H', 4 * HOUR],
    ['PT1H30M', 90 * MIN],
    ['PT90M', 90 * MIN],
    ['PT45S', 45_000],
    ['P1D', DAY],
    ['P1DT12H', 36 * HOUR],
    ['P2W', 14 * DAY],
    ['PT0H5M', 5 * MIN],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'it must start with P'],
    ['1H', 'it must start with P'],
    ['pt1h', 'use upper-case letters'],
    [' PT1H', 'remove the surrounding spaces'],
    ['-PT1H', 'negative durations are not allowed'],
    ['PT1.5H', 'use whole numbers, no fractions'],
    ['PT1,5H', 'use whole numbers, no fractions'],
    ['P1Y', 'years are not supported, use days'],
    ['P1M', 'months are not supported'],
    ['P1H', 'hours, minutes and seconds go after T'],
    ['PT', 'a T must be followed by hours, minutes or seconds'],
    ['P1DT', 'a T must be followed by hours, minutes or seconds'],
    ['P', 'expected P, then weeks (W) and days (D)'],
    ['PT1M1H', 'in that order'],
    ['PT1H1H', 'in that order'],
    ['PT0M', 'it must be longer than zero'],
    ['P0D', 'it must be longer than zero'],
    ['PT1234567H', 'numbers have at most 6 digits'],
  ])('refuses %j: %s', (text, why) => {
    let caught: unknown;
    try {
      parseDuration(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect((caught as CoreError).code).toBe('invalid_duration');
    expect((caught as CoreError).message.startsWith(`"${text}" is not a valid duration: `)).toBe(true);
    expect((caught as CoreError).message).toContain(why);
    expect((caught as CoreError).context).toEqual({ duration: text });
  });
});

describe('formatDuration', () => {
  it.each([
    [MIN, 'PT1M'],
    [90 * MIN, 'PT1H30M'],
    [4 * HOUR, 'PT4H'],
    [DAY, 'P1D'],
    [DAY + 2 * HOUR + 1000, 'P1DT2H1S'],
    [14 * DAY, 'P14D'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([0, -MIN, 1500, Number.NaN])('refuses %d ms', (ms) => {
    expect(() => formatDuration(ms)).toThrow(expect.objectContaining({ code: 'invalid_duration' }));
  });
});

describe('describeDuration', () => {
  it.each([
    [MIN, '1 minute'],
    [90 * MIN, '1 hour 30 minutes'],
    [8 * HOUR, '8 hours'],
    [DAY + HOUR, '1 day 1 hour'],
    [0, '0 seconds'],
  ])('%d ms reads "%s"', (ms, words) => {
    expect(describeDuration(ms)).toBe(words);
  });
});

describe('isoDurationSchema', () => {
  it('accepts a valid duration and reports the parser message for an invalid one', () => {
    expect(isoDurationSchema.parse('PT4H')).toBe('PT4H');
    const result = isoDurationSchema.safeParse('4 hours');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"4 hours" is not a valid duration: it must start with P');
  });
});
