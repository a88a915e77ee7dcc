import { format } from 'node:util';

/**
 * The app's log lines for a person at a terminal: `{"event":"grant.active","ticket":"DBA-1"}` becomes
 * `22:14:05  grant.active  ticket=DBA-1`. Anything that is not one JSON object with an `event` passes
 * unchanged, so nothing is hidden.
 */
export function readableLogLine(line: string, at: Date = new Date()): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
  const { event, ...fields } = parsed as Record<string, unknown>;
  if (typeof event !== 'string') return line;
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  return [at.toTimeString().slice(0, 8), event, ...(pairs.length > 0 ? [pairs.join(' ')] : [])].join('  ');
}

/** Prints every console.log line of this process through readableLogLine (the sandbox's `--log text`). */
export function printReadableLogs(write: (text: string) => void = (text) => process.stdout.write(text)): void {
  console.log = (...args: unknown[]) => write(`${readableLogLine(format(...args))}\n`);
}
