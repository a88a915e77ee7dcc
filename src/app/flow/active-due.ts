import type { GrantWindow } from '../../core';
import type { AppConfig } from '../storage/app-config';

/**
 * When the sweep should next look at an active grant: at the warning time (warnBeforeMinutes before the
 * end, for grants at least twice that long, once) and otherwise at the end itself.
 */
export function activeDueAt(window: GrantWindow, config: AppConfig, warned: boolean): number {
  const start = Date.parse(window.notBefore);
  const end = Date.parse(window.notAfter);
  const lead = config.warnBeforeMinutes * 60_000;
  return !warned && end - start >= 2 * lead ? end - lead : end;
}
