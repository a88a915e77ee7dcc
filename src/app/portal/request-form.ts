import { z } from 'zod';
import { describeDuration, parseDuration, usesPlannedWindow } from '../../core';

/**
 * What the portal form (static/portal-form) saves on a new request, through `view.submit`, as the issue
 * property REQUEST_FORM_PROPERTY; intake reads it (read-request-form.ts). The same schema checks the form
 * in the browser and the property on the server, and `formProblems` is the one place that says what a
 * requester must fix before sending.
 */
export const REQUEST_FORM_PROPERTY = 'jit-request';

const instant = z.iso.datetime({ offset: true });

export const requestFormSchema = z.strictObject({
  target: z.string().min(1).max(40),
  accessLevel: z.string().min(1).max(64),
  duration: z.string().max(32).optional(),
  requestedStart: instant.optional(),
  changeKey: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/).optional(),
  justification: z.string().max(2000).optional(),
});
export type RequestForm = z.infer<typeof requestFormSchema>;

/** What the form offers on one request type (resolver `requestForm`). */
export const formOptionsSchema = z.strictObject({
  kind: z.enum(['access', 'break-glass']).nullable(),
  targets: z.array(z.strictObject({ id: z.string(), environment: z.string(), engine: z.string() })),
  levels: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      defaultDuration: z.string(),
      maxDuration: z.string(),
      requiresChange: z.boolean(),
      boundToWindow: z.boolean(),
    }),
  ),
  /** Whom to ask for help (app setting), shown on the form. */
  contact: z.string().optional(),
});
export type FormOptions = z.infer<typeof formOptionsSchema>;

/** A change request the requester can link, with what the form shows of it. */
export const changeOptionSchema = z.strictObject({
  key: z.string(),
  summary: z.string(),
  status: z.string(),
  plannedStart: instant.optional(),
  plannedEnd: instant.optional(),
});
export type ChangeOption = z.infer<typeof changeOptionSchema>;

export type FormField = keyof RequestForm;
export type FormProblems = Partial<Record<FormField, string>>;

const MIN_JUSTIFICATION = 10;
/** A start further out than this is a typo more often than a plan. */
const MAX_START_AHEAD_MS = 30 * 24 * 3600_000;

function durationMs(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/**
 * Every problem with a draft at once, by field: what is missing, unknown, too long or in the past. The
 * policy still decides on the server; this only keeps a request that cannot succeed from being sent.
 */
export function formProblems(draft: Partial<RequestForm>, options: FormOptions, now: Date): FormProblems {
  const problems: FormProblems = {};
  const level = options.levels.find((candidate) => candidate.id === draft.accessLevel);
  if (!draft.target) problems.target = 'Choose the database.';
  else if (!options.targets.some((target) => target.id === draft.target)) problems.target = `"${draft.target}" is not a database this app manages.`;
  if (!draft.accessLevel) problems.accessLevel = 'Choose the access level.';
  else if (!level) problems.accessLevel = `"${draft.accessLevel}" is not an access level you can ask for here.`;
  if (draft.duration) {
    const ms = durationMs(draft.duration);
    const max = level ? durationMs(level.maxDuration) : undefined;
    if (ms === undefined) problems.duration = 'Give the duration in hours and minutes, for example 1 hour 30 minutes.';
    else if (max !== undefined && ms > max) problems.duration = `${level?.name ?? 'This level'} lasts at most ${describeDuration(max)}.`;
  }
  if (draft.requestedStart) {
    const start = Date.parse(draft.requestedStart);
    if (Number.isNaN(start)) problems.requestedStart = 'Give the start as a date and time.';
    else if (start < now.getTime() - 60_000) problems.requestedStart = 'The start is in the past: leave it empty to start as soon as access is approved.';
    else if (start > now.getTime() + MAX_START_AHEAD_MS) problems.requestedStart = 'The start is more than 30 days away.';
  }
  if (level && usesPlannedWindow(level) && !draft.changeKey) {
    problems.changeKey = level.requiresChange ? `${level.name} needs an approved change request: pick it.` : `${level.name} lasts the planned window of a change request: pick it.`;
  }
  const justification = draft.justification?.trim() ?? '';
  if (justification.length < MIN_JUSTIFICATION) problems.justification = `Say why you need access (at least ${MIN_JUSTIFICATION} characters): the ticket keeps it for the audit.`;
  else if (justification.length > 2000) problems.justification = 'Keep the reason under 2,000 characters.';
  return problems;
}
