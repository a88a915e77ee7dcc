import { addMilliseconds, max as latest, min as earliest } from 'date-fns';
import { describeDuration, parseDuration } from './duration';
import { readableTime } from './readable-time';
import type { AccessLevel, Settings } from './settings-schema';
import type { LinkedChange } from './access-request';
import type { GrantRecord } from './grant-record';

/**
 * When access starts and ends. Durations count from when access starts, not from the request; the
 * end is capped by the access level's maximum and, for levels that need a change or are bound to a
 * window, by the planned window's end. A start asked for before the planned start is refused rather
 * than silently moved, so the requester learns their window was wrong.
 */

export interface PlannedWindow {
  start: Date;
  end: Date;
}

export type WindowCap = 'maximum-duration' | 'planned-end';

export type WindowRefusal = 'unknown_access_level' | 'invalid_duration' | 'planned_window_missing' | 'starts_before_planned_window' | 'planned_window_over';

export type WindowResult =
  | { ok: true; notBefore: Date; notAfter: Date; durationMs: number; requestedMs: number; cappedBy: WindowCap | null; explanation: string }
  | { ok: false; code: WindowRefusal; reason: string };

export interface WindowInput {
  /** When access would start if granted now: the grant time, or the decision time for a preview. */
  now: Date;
  accessLevel: AccessLevel;
  /** ISO-8601 duration; the level's default when absent (for a window-bound level: the rest of the window). */
  requestedDuration?: string;
  requestedStart?: Date;
  /** The linked change's planned window, when there is one. */
  plannedWindow?: PlannedWindow;
}

/** A change's planned window, when it has both ends. */
export function plannedWindowOf(change: LinkedChange | undefined): PlannedWindow | undefined {
  if (!change?.plannedStart || !change.plannedEnd) return undefined;
  return { start: new Date(change.plannedStart), end: new Date(change.plannedEnd) };
}

/** True when the level's window depends on a planned window. */
export function usesPlannedWindow(level: Pick<AccessLevel, 'requiresChange' | 'boundToWindow'>): boolean {
  return level.requiresChange || level.boundToWindow;
}

export function computeWindow(input: WindowInput): WindowResult {
  const { now, accessLevel: level, plannedWindow: planned } = input;
  const bound = usesPlannedWindow(level);
  if (bound && !planned) {
    const reason = level.requiresChange
      ? `${level.name} needs a linked change request with a planned start and end.`
      : `${level.name} lasts the planned window of a change request: link one with a planned start and end.`;
    return { ok: false, code: 'planned_window_missing', reason };
  }
  const activePlan = bound ? planned : undefined;
  if (activePlan && input.requestedStart && input.requestedStart < activePlan.start) {
    return {
      ok: false,
      code: 'starts_before_planned_window',
      reason: `The requested start ${readableTime(input.requestedStart)} is before the change's planned start ${readableTime(activePlan.start)}.`,
    };
  }
  const notBefore = latest([now, input.requestedStart ?? now, activePlan?.start ?? now]);
  if (activePlan && notBefore >= activePlan.end) {
    return { ok: false, code: 'planned_window_over', reason: `The change's planned window ended at ${readableTime(activePlan.end)}.` };
  }

  let requestedMs: number;
  let maxMs: number;
  try {
    maxMs = parseDuration(level.maxDuration);
    requestedMs = input.requestedDuration
      ? parseDuration(input.requestedDuration)
      : level.boundToWindow && activePlan
        ? activePlan.end.getTime() - notBefore.getTime()
        : parseDuration(level.defaultDuration);
  } catch (error) {
    return { ok: false, code: 'invalid_duration', reason: error instanceof Error ? error.message : String(error) };
  }

  const wanted = addMilliseconds(notBefore, requestedMs);
  const byMaximum = addMilliseconds(notBefore, maxMs);
  const notAfter = earliest([wanted, byMaximum, activePlan?.end ?? wanted]);
  const cappedBy: WindowCap | null =
    notAfter >= wanted ? null : activePlan && notAfter.getTime() === activePlan.end.getTime() ? 'planned-end' : 'maximum-duration';
  const durationMs = notAfter.getTime() - notBefore.getTime();
  return { ok: true, notBefore, notAfter, durationMs, requestedMs, cappedBy, explanation: explain(level, { durationMs, requestedMs, maxMs }, cappedBy) };
}

/** What a grant's window depends on besides its record: when it asked to start and the linked change. */
export interface GrantWindowFacts {
  requestedStart?: string;
  change?: LinkedChange;
}

/**
 * The window of a grant whose access would start at `now` (or when its planned window opens, if later):
 * the one function that schedules, grants and previews a grant's window.
 */
export function grantWindow(record: Pick<GrantRecord, 'accessLevel' | 'duration'>, facts: GrantWindowFacts, settings: Settings, now: Date): WindowResult {
  const accessLevel = settings.accessLevels.find((level) => level.id === record.accessLevel);
  if (!accessLevel) return { ok: false, code: 'unknown_access_level', reason: `The access level ${record.accessLevel} no longer exists.` };
  const plannedWindow = plannedWindowOf(facts.change);
  return computeWindow({
    now,
    accessLevel,
    ...(record.duration ? { requestedDuration: record.duration } : {}),
    ...(facts.requestedStart ? { requestedStart: new Date(facts.requestedStart) } : {}),
    ...(plannedWindow ? { plannedWindow } : {}),
  });
}

function explain(
  level: AccessLevel,
  { durationMs, requestedMs, maxMs }: { durationMs: number; requestedMs: number; maxMs: number },
  cappedBy: WindowCap | null,
): string {
  const length = describeDuration(durationMs);
  if (cappedBy === 'maximum-duration') {
    return `Access lasts ${length}: ${describeDuration(requestedMs)} was asked for, and ${level.name} allows at most ${describeDuration(maxMs)}.`;
  }
  if (cappedBy === 'planned-end') {
    return `Access lasts ${length}: ${describeDuration(requestedMs)} was asked for, and access ends with the change's planned window.`;
  }
  return `Access lasts ${length}.`;
}

export type ExtensionResult =
  | { ok: true; notAfter: Date; cappedBy: WindowCap | null; explanation: string }
  | { ok: false; code: 'invalid_duration' | 'at_limit'; reason: string };

export interface ExtensionInput {
  window: { notBefore: Date; notAfter: Date };
  accessLevel: AccessLevel;
  /** ISO-8601 duration added to the current end. */
  extendBy: string;
  plannedWindow?: PlannedWindow;
}

/** Moves the end later by `extendBy`, within the same caps as the original window (counted from its start). */
export function computeExtension(input: ExtensionInput): ExtensionResult {
  const { window, accessLevel: level } = input;
  let byMs: number;
  let maxMs: number;
  try {
    byMs = parseDuration(input.extendBy);
    maxMs = parseDuration(level.maxDuration);
  } catch (error) {
    return { ok: false, code: 'invalid_duration', reason: error instanceof Error ? error.message : String(error) };
  }
  const plannedEnd = usesPlannedWindow(level) ? input.plannedWindow?.end : undefined;
  const wanted = addMilliseconds(window.notAfter, byMs);
  const byMaximum = addMilliseconds(window.notBefore, maxMs);
  const notAfter = earliest([wanted, byMaximum, plannedEnd ?? wanted]);
  const cappedBy: WindowCap | null =
    notAfter >= wanted ? null : plannedEnd && notAfter.getTime() === plannedEnd.getTime() ? 'planned-end' : 'maximum-duration';
  const limit =
    cappedBy === 'planned-end' ? "the change's planned end" : `the maximum of ${describeDuration(maxMs)} for ${level.name}`;
  if (notAfter <= window.notAfter) {
    return { ok: false, code: 'at_limit', reason: `Access already ends at ${limit}.` };
  }
  const explanation = cappedBy
    ? `Access now ends at ${readableTime(notAfter)}, capped by ${limit}.`
    : `Access now ends at ${readableTime(notAfter)}, ${describeDuration(byMs)} later.`;
  return { ok: true, notAfter, cappedBy, explanation };
}
