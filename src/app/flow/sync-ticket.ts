import { isAppError } from '../app-error';
import { jira } from '../jira/jira-client';
import { getGrant } from '../storage/grant-store';
import { loadAppConfig, loadSettings } from '../storage/settings-store';
import { followStatus } from './follow-status';
import { intake } from './intake';

/**
 * What every issue event leads to: re-read the request through the REST API (never trusting the event),
 * then take in a request not seen yet, or bring a known grant in line with the ticket's current status.
 * Safe to run any number of times, in any order.
 */
export async function syncTicket(key: string, actor: string): Promise<void> {
  const [settings, config] = await Promise.all([loadSettings(), loadAppConfig()]);
  let request;
  try {
    request = await jira.getRequest(key);
  } catch (error) {
    // Not a customer request (a plain issue in the project): nothing for the app to do.
    if (isAppError(error, 'jira_error') && error.context.status === 404) return;
    throw error;
  }
  const stored = await getGrant(key);
  // A request seen for the first time is taken in; the status read before intake is already out of date.
  if (!stored) await intake(request, settings, config);
  else await followStatus(stored, request.currentStatus.status, settings, config, actor);
}
