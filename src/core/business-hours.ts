import type { BusinessHours, Weekday } from './settings-schema';

const WEEKDAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** Weekday and HH:MM of an instant on the wall clock of `timeZone` (DST included, via Intl). */
export function localClock(at: Date, timeZone: string): { day: Weekday; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((candidate) => candidate.type === type)?.value ?? '';
  const day = WEEKDAYS[part('weekday')];
  if (!day) throw new RangeError(`unexpected weekday "${part('weekday')}" from Intl`);
  return { day, time: `${part('hour')}:${part('minute')}` };
}

/** Inside means on a listed day, from `start` (inclusive) to `end` (exclusive), local time. */
export function isWithinBusinessHours(at: Date, hours: BusinessHours): boolean {
  const { day, time } = localClock(at, hours.timeZone);
  return hours.days.includes(day) && time >= hours.start && time < hours.end;
}
