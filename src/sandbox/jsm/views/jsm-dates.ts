const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** JSM `DateDTO`; the emulator lives in UTC, so every offset is +0000. */
export function dateDto(date: Date) {
  const iso = date.toISOString();
  const hours12 = date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12;
  const friendly = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${pad(date.getUTCFullYear() % 100)} ${hours12}:${pad(date.getUTCMinutes())} ${date.getUTCHours() < 12 ? 'AM' : 'PM'}`;
  return {
    iso8601: `${iso.slice(0, 19)}+0000`,
    jira: `${iso.slice(0, 23)}+0000`,
    friendly,
    epochMillis: date.getTime(),
  };
}
