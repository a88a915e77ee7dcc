import { describeDuration, formatDuration, parseDuration } from '../../../src/core';
import type { FormOptions, RequestForm } from '../../../src/app/portal/request-form';

/** The form as the requester fills it in: plain strings, '' for "not given". */
export interface Draft {
  target: string;
  accessLevel: string;
  /** ISO-8601, or '' for the level's default. */
  duration: string;
  /** A `datetime-local` value in the browser's time zone, or '' to start once approved. */
  start: string;
  changeKey: string;
  justification: string;
}

export const emptyDraft: Draft = { target: '', accessLevel: '', duration: '', start: '', changeKey: '', justification: '' };

/** What the form submits: only the answers given, the start as an instant. */
export function toRequestForm(draft: Draft): Partial<RequestForm> {
  const start = draft.start ? new Date(draft.start) : undefined;
  return {
    ...(draft.target ? { target: draft.target } : {}),
    ...(draft.accessLevel ? { accessLevel: draft.accessLevel } : {}),
    ...(draft.duration ? { duration: draft.duration } : {}),
    ...(start ? { requestedStart: Number.isNaN(start.getTime()) ? draft.start : start.toISOString() } : {}),
    ...(draft.changeKey ? { changeKey: draft.changeKey } : {}),
    ...(draft.justification.trim() ? { justification: draft.justification.trim() } : {}),
  };
}

const STEPS_MINUTES = [15, 30, 60, 90, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 10080];

/** Durations to choose from, up to the level's maximum (the maximum itself always among them). */
export function durationChoices(level: FormOptions['levels'][number]): { value: string; label: string }[] {
  const max = parseDuration(level.maxDuration);
  const steps = STEPS_MINUTES.map((minutes) => minutes * 60_000).filter((ms) => ms < max);
  return [
    { value: '', label: `Default: ${describeDuration(parseDuration(level.defaultDuration))}` },
    ...[...steps, max].map((ms) => ({ value: formatDuration(ms), label: describeDuration(ms) })),
  ];
}

/** "4 hours by default, at most 8 hours" for a level. */
export function levelLimits(level: FormOptions['levels'][number]): string {
  return `${describeDuration(parseDuration(level.defaultDuration))} by default, at most ${describeDuration(parseDuration(level.maxDuration))}`;
}
