import { z } from 'zod';
import { isoDurationSchema } from '../../core';
import type { JsmEmulator } from '../jsm';
import { callerOf, unauthorized, type Directory } from './basic-auth';

export type RestProxyOptions = {
  jsm: JsmEmulator;
  directory: Directory;
  /** Ids of the portal fields that take an ISO-8601 duration (the app's duration field). */
  durationFieldIds: () => readonly string[];
};

const createRequestShape = z.looseObject({ requestFieldValues: z.record(z.string(), z.unknown()) });

/** JSM's answer to a field value its validator refuses. */
function fieldInvalid(message: string): Response {
  return Response.json(
    { errorMessage: message, i18nErrorMessage: { i18nKey: 'sd.request.create.error.field.invalid', parameters: [] } },
    { status: 400 },
  );
}

/**
 * A duration is a text field to JSM; on a real site a field validator on the request type's create
 * transition refuses what is not an ISO-8601 duration, before anything is created. This is that validator.
 */
function checkDurations(body: string, durationFieldIds: readonly string[]): Response | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // the emulator answers malformed JSON itself
  }
  const shape = createRequestShape.safeParse(parsed);
  if (!shape.success) return undefined;
  for (const fieldId of durationFieldIds) {
    const value = shape.data.requestFieldValues[fieldId];
    if (value === undefined) continue;
    const checked = isoDurationSchema.safeParse(value);
    if (!checked.success) {
      return fieldInvalid(`Duration: ${JSON.stringify(value)} is not an ISO-8601 duration such as PT1H or PT30M (${checked.error.issues[0]?.message ?? 'invalid'}).`);
    }
  }
  return undefined;
}

/** The JSM-compatible REST API at the sandbox's origin: Basic auth as a demo user, served by the JSM emulator. */
export async function proxyRest(request: Request, options: RestProxyOptions): Promise<Response> {
  const caller = callerOf(request, options.directory);
  if (caller.kind === 'invalid') return unauthorized();
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? undefined : await request.text();
  if (method === 'POST' && url.pathname === '/rest/servicedeskapi/request' && body !== undefined) {
    const refused = checkDurations(body, options.durationFieldIds());
    if (refused) return refused;
  }
  const forwarded = new Request(url, { method, headers: request.headers, ...(body === undefined ? {} : { body }) });
  return options.jsm.handle(forwarded, caller.kind === 'user' ? { kind: 'user', accountId: caller.accountId } : { kind: 'anonymous' });
}
