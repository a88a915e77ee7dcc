import { isAppError } from '../app-error';
import type { RequestFields } from '../flow/read-request';
import { jira } from '../jira/jira-client';
import { REQUEST_FORM_PROPERTY, requestFormSchema } from './request-form';

/**
 * What the portal form saved on a new request (issue property REQUEST_FORM_PROPERTY), as request fields;
 * empty when there is none (a request raised through REST with the text fields) or when it does not parse,
 * so the text fields decide and a missing answer is refused by intake as for any request.
 */
export async function readRequestForm(issueKey: string): Promise<RequestFields> {
  let value: unknown;
  try {
    value = await jira.getProperty(issueKey, REQUEST_FORM_PROPERTY);
  } catch (error) {
    if (isAppError(error, 'jira_error') && error.context.status === 404) return {};
    throw error;
  }
  const parsed = requestFormSchema.safeParse(value);
  if (!parsed.success) return {};
  const { target, accessLevel, duration, requestedStart, changeKey } = parsed.data;
  const justification = parsed.data.justification?.trim();
  return {
    target,
    accessLevel,
    ...(duration ? { duration } : {}),
    ...(requestedStart ? { requestedStart } : {}),
    ...(changeKey ? { changeKey } : {}),
    ...(justification ? { justification } : {}),
  };
}
