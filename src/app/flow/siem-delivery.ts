import { fetch } from '@forge/api';
import { assertNoSecrets } from '../../core';
import { AppError } from '../app-error';
import type { SiemEvent } from '../storage/siem-event';
import { loadAppConfig } from '../storage/settings-store';

/**
 * POSTs one event to the SIEM webhook as JSON, with its outbox id (`id`), the same on every try, so the
 * receiver can drop a repeat: an answer lost on the way makes the sweep send it again. Anything but a 2xx
 * throws and the event stays owed. An event owed when the webhook was set is dropped once it is unset.
 */
export async function deliverSiemEvent(id: string, event: SiemEvent): Promise<void> {
  const url = (await loadAppConfig()).siemWebhookUrl;
  if (url === undefined) return;
  const body = { id, ...event };
  assertNoSecrets(body);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status < 200 || response.status >= 300) throw new AppError('webhook_error', `The SIEM webhook at ${new URL(url).host} answered ${response.status}.`);
}
