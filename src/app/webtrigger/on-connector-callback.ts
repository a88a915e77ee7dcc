import { webTrigger } from '@forge/api';
import { z } from 'zod';
import { ticketOfGrantId } from '../../core';
import { revocationCallbackSchema, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../protocol';
import { recordAccessEnded } from '../flow/end-access';
import { logEvent } from '../log';
import { getGrant } from '../storage/grant-store';
import { loadAppConfig, loadConnectorSecret, loadSettings } from '../storage/settings-store';

/** The manifest key of this web trigger; its URL is the connector's `callback.url`. */
export const CALLBACK_TRIGGER_KEY = 'connector-callback';

const requestSchema = z.looseObject({
  method: z.string(),
  headers: z.record(z.string(), z.array(z.string())).default({}),
  body: z.string().default(''),
});

type WebTriggerResponse = { statusCode: number; headers?: Record<string, string[]>; body?: string };

function reply(statusCode: number, body: Record<string, unknown>): WebTriggerResponse {
  return { statusCode, headers: { 'content-type': ['application/json'] }, body: JSON.stringify(body) };
}

function header(headers: Record<string, string[]>, name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return found?.[1][0];
}

/**
 * Revocations the connector made on its own (`notAfter` passed, or it revoked by itself), within seconds.
 * Web triggers have no authentication of their own: the request must carry the connector's HMAC
 * signature over this trigger's path (what the connector signs), or it is refused with 401.
 */
export async function onConnectorCallback(request: unknown): Promise<WebTriggerResponse> {
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) return reply(400, { error: 'bad_request' });
  const { method, headers, body } = parsed.data;
  const secret = await loadConnectorSecret();
  if (secret === undefined) return reply(503, { error: 'not_configured' });
  const url = new URL(await webTrigger.getUrl(CALLBACK_TRIGGER_KEY));
  const verified = verifySignature({
    secrets: [secret],
    timestampHeader: header(headers, TIMESTAMP_HEADER),
    signatureHeader: header(headers, SIGNATURE_HEADER),
    method,
    pathWithQuery: url.pathname + url.search,
    body,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!verified.ok) {
    logEvent('callback.refused', { reason: verified.reason });
    return reply(401, { error: verified.reason });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return reply(400, { error: 'bad_request' });
  }
  const callback = revocationCallbackSchema.safeParse(json);
  if (!callback.success) return reply(400, { error: 'bad_request' });
  const { grantId, state, reason, activity } = callback.data;
  const ticket = ticketOfGrantId(grantId);
  const stored = ticket === undefined ? undefined : await getGrant(ticket);
  // Idempotent: a repeated or late callback for a grant that is no longer active changes nothing.
  if (!stored || stored.record.grantId !== grantId || stored.record.state !== 'active') return reply(200, { applied: false });
  const [settings, config] = await Promise.all([loadSettings(), loadAppConfig()]);
  await recordAccessEnded(stored, settings, config, state, 'connector', `the connector reports the grant ${state} (${reason})`, activity ?? 'none');
  logEvent('callback.applied', { ticket: stored.ticket, state });
  return reply(200, { applied: true });
}
