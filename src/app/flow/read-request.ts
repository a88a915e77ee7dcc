import { z } from 'zod';
import type { LinkedChange, Settings } from '../../core';
import { isAppError } from '../app-error';
import { jira } from '../jira/jira-client';
import type { CustomerRequest } from '../jira/jira-schemas';
import type { AppConfig } from '../storage/app-config';

/** What a request of our types asks for, read from its portal fields (plain values, trimmed). */
export interface RequestFields {
  target?: string;
  accessLevel?: string;
  duration?: string;
  /** When access should start (portal form only). */
  requestedStart?: string;
  justification?: string;
  changeKey?: string;
}

const textValue = z.union([z.string(), z.number().transform(String), z.looseObject({ value: z.string() }).transform((option) => option.value)]);

function fieldText(request: CustomerRequest, fieldId: string | undefined): string | undefined {
  if (fieldId === undefined) return undefined;
  const raw = request.requestFieldValues.find((entry) => entry.fieldId === fieldId)?.value;
  const parsed = textValue.safeParse(raw);
  const text = parsed.success ? parsed.data.trim() : '';
  return text === '' ? undefined : text;
}

export function readRequestFields(request: CustomerRequest, config: AppConfig): RequestFields {
  const { fields } = config;
  const read = (id: string | undefined) => fieldText(request, id);
  const result: RequestFields = {};
  const target = read(fields.target);
  const accessLevel = read(fields.accessLevel);
  const duration = read(fields.duration);
  const justification = read(fields.justification);
  const changeKey = read(fields.change)?.toUpperCase();
  if (target) result.target = target;
  if (accessLevel) result.accessLevel = accessLevel;
  if (duration) result.duration = duration;
  if (justification) result.justification = justification.slice(0, 2000);
  if (changeKey) result.changeKey = changeKey;
  return result;
}

/** Which of our request types this is, or null when it is not one of ours. */
export function requestKind(request: CustomerRequest, settings: Settings): 'access' | 'break-glass' | null {
  if (settings.requestTypes.breakGlass && request.requestTypeId === settings.requestTypes.breakGlass) return 'break-glass';
  if (settings.requestTypes.access && request.requestTypeId === settings.requestTypes.access) return 'access';
  return null;
}

const instant = z.iso.datetime({ offset: true });
const dateValue = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not a date' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
}).pipe(instant);

/** Reads the linked change's status and planned window (field ids discovered at setup); undefined when the key names no issue. */
export async function readChange(key: string, config: AppConfig): Promise<LinkedChange | undefined> {
  const { plannedStart, plannedEnd } = config.changeFields;
  const fields = ['status', ...(plannedStart ? [plannedStart] : []), ...(plannedEnd ? [plannedEnd] : [])];
  let issue;
  try {
    issue = await jira.getIssue(key, fields);
  } catch (error) {
    if (isAppError(error, 'jira_error') && error.context.status === 404) return undefined;
    throw error;
  }
  const status = z.looseObject({ name: z.string() }).safeParse(issue.fields.status);
  const start = plannedStart ? dateValue.safeParse(issue.fields[plannedStart]) : undefined;
  const end = plannedEnd ? dateValue.safeParse(issue.fields[plannedEnd]) : undefined;
  return {
    key: issue.key,
    status: status.success ? status.data.name : 'Unknown',
    ...(start?.success ? { plannedStart: start.data } : {}),
    ...(end?.success ? { plannedEnd: end.data } : {}),
  };
}
