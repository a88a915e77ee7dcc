import type { GrantWindow } from '../../core';
import type { AppConfig } from '../storage/app-config';

/**
 * When to warn the requester that access ends soon: warnBeforeMinutes before the end, for grants at
 * least twice that long; shorter grants are not warned.
 */
export function warnAtOf(window: GrantWindow, config: AppConfig): string | undefined {
  const start = Date.parse(window.notBefore);
  const end = Date.parse(window.notAfter);
  const lead = config.warnBeforeMinutes * 60_000;
  return end - start >= 2 * lead ? new Date(end - lead).toISOString() : undefined;
}
