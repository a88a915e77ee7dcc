import { z } from 'zod';
import { CoreError } from './core-error';

/**
 * ISO-8601 durations as access windows use them: weeks, days, hours, minutes, seconds (PT30M, PT4H,
 * P1D, P1DT12H). Years and months are refused because their length depends on the calendar; a day is
 * 24 hours because every time here is UTC. Whole numbers only, upper case only, longer than zero.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const PATTERN = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;
const EXAMPLES = 'e.g. PT30M, PT4H, P1D or P1DT12H';

function refuse(text: string, why: string): CoreError {
  return new CoreError('invalid_duration', `"${text}" is not a valid duration: ${why} (${EXAMPLES})`, { duration: text });
}

function explain(text: string): string {
  if (text.trim() !== text) return 'remove the surrounding spaces';
  if (text.startsWith('-')) return 'negative durations are not allowed';
  if (!/^p/i.test(text)) return 'it must start with P';
  if (text !== text.toUpperCase()) return 'use upper-case letters';
  if (/\d{7}/.test(text)) return 'numbers have at most 6 digits';
  if (/[.,]/.test(text)) return 'use whole numbers, no fractions';
  if (/^P[^T]*Y/.test(text)) return 'years are not supported, use days';
  if (/^P[^T]*\d+M/.test(text)) return 'months are not supported, use days (minutes go after T, as in PT30M)';
  if (/^P\d+[HS]/.test(text)) return 'hours, minutes and seconds go after T, as in PT4H';
  if (text.endsWith('T')) return 'a T must be followed by hours, minutes or seconds';
  return 'expected P, then weeks (W) and days (D), then T with hours (H), minutes (M) and seconds (S), in that order';
}

/** Parses an ISO-8601 duration to milliseconds; throws CoreError `invalid_duration` saying why. */
export function parseDuration(text: string): number {
  const match = PATTERN.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw refuse(text, explain(text));
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = weeks * WEEK + days * DAY + hours * HOUR + minutes * MINUTE + seconds * SECOND;
  if (ms === 0) throw refuse(text, 'it must be longer than zero');
  return ms;
}

/** Canonical ISO-8601 form of a positive whole number of seconds, largest units first: 5400000 → PT1H30M. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms % SECOND !== 0) {
    throw new CoreError('invalid_duration', `${ms} ms cannot be written as a duration: use a positive whole number of seconds`, {
      ms,
    });
  }
  const [days, hours, minutes, seconds] = splitUnits(ms);
  const date = days ? `${days}D` : '';
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${date}${time ? `T${time}` : ''}`;
}

/** Plain words for people: 5400000 → "1 hour 30 minutes". */
export function describeDuration(ms: number): string {
  const names = ['day', 'hour', 'minute', 'second'];
  const parts = splitUnits(Math.max(0, Math.floor(ms / SECOND) * SECOND))
    .map((count, index) => (count ? `${count} ${names[index]}${count === 1 ? '' : 's'}` : ''))
    .filter(Boolean);
  return parts.length ? parts.join(' ') : '0 seconds';
}

function splitUnits(ms: number): [number, number, number, number] {
  return [Math.floor(ms / DAY), Math.floor((ms % DAY) / HOUR), Math.floor((ms % HOUR) / MINUTE), Math.floor((ms % MINUTE) / SECOND)];
}

/** A settings or request field holding an ISO-8601 duration; the message is the parser's own. */
export const isoDurationSchema = z.string().superRefine((text, ctx) => {
  try {
    parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid duration' });
  }
});
