/**
 * An instant as people read it on a ticket: "Mon 23 Nov 2026, 11:10 UTC". Every time here is UTC, and
 * the zone is always written, so a reader in another zone knows to convert; never the raw ISO form.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function readableTime(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}
