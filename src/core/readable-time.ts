/**
 * An instant as people read it on a ticket: "Mon 23 Nov 2026, 11:10 UTC". Every time here is UTC, and
 * the zone is always written, so a reader in another zone knows to convert; never the raw ISO form.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `seconds` where they matter, as for when statements ran: "Mon 23 Nov 2026, 11:10:05 UTC". */
export function readableTime(at: Date | string, precision: 'minutes' | 'seconds' = 'minutes'): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  const two = (value: number): string => String(value).padStart(2, '0');
  const seconds = precision === 'seconds' ? `:${two(date.getUTCSeconds())}` : '';
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}${seconds} UTC`;
}
